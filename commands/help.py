"""/help: what the bot can do here, for this member."""
from app.discord import permissions as perms
from app.interactions.declare import SlashCommand, SubcommandGroup
from app.interactions.responses import embed

help_command = SlashCommand("help", "What StatusSync can do in this server", contexts=(0, 1))


def usable_by(command, bits: int) -> bool:
    needed = command.default_member_permissions
    return needed is None or perms.has(bits, int(needed))


def _usage(path: str, node) -> str:
    args = " ".join(f"<{o.name}>" if o.required else f"[{o.name}]" for o in node.options)
    return f"`{path}{' ' + args if args else ''}` — {node.description}"


def usage_lines(command) -> list:
    if not command.children:
        return [_usage(f"/{command.name}", command)]
    lines = []
    for child in command.children.values():
        if isinstance(child, SubcommandGroup):
            lines += [_usage(f"/{command.name} {child.name} {sub.name}", sub) for sub in child.children.values()]
        else:
            lines.append(_usage(f"/{command.name} {child.name}", child))
    return lines


@help_command
def show_help(ctx):
    bits = ctx.permissions if ctx.member else 0
    commands = sorted(ctx.runtime.commands.commands.values(), key=lambda c: c.name)
    available = [c for c in commands if usable_by(c, bits)]
    lines = [line for c in available for line in usage_lines(c)]
    hidden = len(commands) - len(available)
    footer = f"{hidden} more command(s) need permissions you don't have here." if hidden else None
    chunks, current = [], ""
    for line in lines:
        if len(current) + len(line) + 1 > 4000:
            chunks.append(current)
            current = ""
        current += line + "\n"
    chunks.append(current or "No commands are available to you here.")
    embeds = [embed("StatusSync help" if i == 0 else None, chunk, footer=footer if i == len(chunks) - 1 else None)
              for i, chunk in enumerate(chunks[:10])]
    return ctx.reply(embeds=embeds, ephemeral=True)
