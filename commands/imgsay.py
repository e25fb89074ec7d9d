"""/imgsay: a member's text drawn onto an image."""
from app.errors import UserError
from app.interactions.declare import Option, SlashCommand
from app.interactions.responses import Attachment
from app.social import xp
from app.social.imgsay import IMGSAY_MAX_CHARS, IMGSAY_STYLES, ImgsayError, clean_imgsay_text

imgsay = SlashCommand("imgsay", "Draw your text onto an image", options=[
    Option.string("text", f"What to write (up to {IMGSAY_MAX_CHARS} characters)"),
    Option.string("style", "How it looks", required=False,
                  choices=[(style.label, key) for key, style in IMGSAY_STYLES.items()])])


@imgsay
def say(ctx, text, style=None):
    style = style if style in IMGSAY_STYLES else "default"
    try:
        clean_imgsay_text(text, style)  # refuse now, ephemerally, rather than after "thinking…"
    except ImgsayError as error:
        raise UserError(error.message) from None
    xp.award_command_use(ctx.db, ctx.guild_id, ctx.channel_id, ctx.user.id, ctx.now)
    return ctx.defer(send_imgsay, text=text, style=style)


def send_imgsay(ctx, text, style):
    from app.social.cards import render_imgsay
    from app.social.text_layout import clean_text

    try:
        png = render_imgsay(text, style)
    except ImgsayError as error:
        raise UserError(error.message) from None
    said = clean_text(text)
    return ctx.reply(f"{ctx.user.mention} says: {said}",
                     files=[Attachment("imgsay.png", png, "image/png", description=said[:1000])])
