"""Discord's REST and CDN endpoints by area; each handler takes (fake, request, **path ids)."""
