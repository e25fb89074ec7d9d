"""What the dashboard refuses, with the HTTP status the blueprints answer it with."""


class DashboardError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message
