"""A local stand-in for Discord's REST API (v10), its CDN and OAuth2 token endpoint.

A real HTTP server on loopback: the app talks to it through DISCORD_API_BASE / DISCORD_CDN_BASE
exactly as it would talk to Discord, and tests read back what was sent and what state resulted.

server.py holds FakeDiscord (lifecycle, recording, scripted answers); seeding.py, readback.py and
state.py its state; routes/ the Discord endpoints by area; route_table.py, dispatch.py and
http_handler.py the way a request reaches them.
"""
from sandbox.discord.errors import DiscordError
from sandbox.discord.png import make_png
from sandbox.discord.request_body import Recorded
from sandbox.discord.server import FakeDiscord
from sandbox.discord.snowflakes import DISCORD_EPOCH_MS, snowflake_time

__all__ = ["DISCORD_EPOCH_MS", "DiscordError", "FakeDiscord", "Recorded", "make_png", "snowflake_time"]
