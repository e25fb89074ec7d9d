"""/ask prompt [private]: an AI answer, deferred at once and streamed into the reply (docs/ai.md)."""
import logging
import time

from app.interactions.declare import Option, SlashCommand

log = logging.getLogger(__name__)
EPHEMERAL = 1 << 6

ask = SlashCommand("ask", "Ask the AI a question",
                   options=[Option.string("prompt", "Your question", max_length=2000),
                            Option.boolean("private", "Only you see the answer", required=False)])


@ask
def ask_ai(ctx, prompt, private=False):
    from app import guild_settings
    from app.ai import answers, provider, usage
    if not provider.configured(ctx.runtime.settings):
        return ctx.error(answers.NOT_CONFIGURED)
    answers.check_allowed(guild_settings.load_section(ctx.db, ctx.guild_id, "ai"), ctx.channel_id)
    usage.claim(ctx.db, ctx.guild_id, ctx.user.id, ctx.now)
    return ctx.defer(stream_answer, ephemeral=bool(private), prompt=prompt, private=bool(private),
                     day=ctx.now.date().isoformat())


def stream_answer(ctx, prompt, private, day):
    """The deferred task: edit the reply as the answer streams, then the whole answer, the rest as follow-ups."""
    import datetime

    from app import guild_settings
    from app.ai import answers, text, usage
    from app.ai.provider import ProviderError
    from app.discord.errors import DiscordError
    from app.discord.messages import NO_MENTIONS
    from app.interactions.deferred import edit_original

    day = datetime.date.fromisoformat(day)
    system_prompt = guild_settings.load_section(ctx.db, ctx.guild_id, "ai").get("system_prompt")
    ctx.db.commit()  # no transaction stays open while the provider streams

    def show(so_far):
        try:
            edit_original(ctx.runtime, ctx.token, {"content": so_far, "allowed_mentions": NO_MENTIONS})
        except DiscordError as exc:  # a lost intermediate edit only delays the words; the final edit follows
            log.warning("/ask %s: a streaming edit failed: %s", ctx.id, exc)

    counted, cut_off = {}, ""
    try:
        answer = answers.stream_to(ctx.runtime.settings, prompt, system_prompt, show, time.monotonic, counted)
    except ProviderError as exc:
        if not exc.partial.strip():
            usage.refund(ctx.db, ctx.guild_id, ctx.user.id, day)  # no answer: it does not count
            return ctx.reply(f"⚠️ No answer: {exc}", allowed_mentions=NO_MENTIONS)
        answer = exc.partial + ("\n```" if exc.partial.count("```") % 2 else "")  # the note outside any code
        cut_off = f"\n\n⚠️ The answer was cut off: {exc}"
    usage.add_tokens(ctx.db, ctx.guild_id, day, counted.get("total_tokens") or 0)
    first, *rest = text.split(text.neutralise(answer) + cut_off)
    for piece in rest:
        ctx.discord.follow_up(ctx.token, {"content": piece, "allowed_mentions": NO_MENTIONS,
                                          **({"flags": EPHEMERAL} if private else {})})
    return ctx.reply(first, allowed_mentions=NO_MENTIONS)
