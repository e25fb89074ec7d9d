"""The path of one interaction: verify → dispatch → command handler → response."""
