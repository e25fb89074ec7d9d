"""Shared fixtures: a throwaway PostgreSQL database per run, the fake Discord, the app, signed requests."""
import os
import uuid

import psycopg2
import pytest
from nacl.signing import SigningKey

from app import db
from sandbox.discord import FakeDiscord
from tests.interactions import BOT_ID, DiscordSide

pytest_plugins = ["tests.reliability"]  # the results table of docs/reliability.md (--reliability-report)

SERVER_URL = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or \
    "postgresql://postgres@127.0.0.1:5432/postgres"
BOT_TOKEN = "test-bot-token"


def _with_database(url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def database_url():
    """A fresh database on the test server, migrated, dropped at the end of the run."""
    name = f"statussync_test_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(SERVER_URL, connect_timeout=5)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    url = _with_database(SERVER_URL, name)
    db.migrate(url, log=lambda line: None)
    yield url
    db.close_pools()
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def clean_db(database_url):
    """Every table emptied before the test (migrations kept)."""
    conn = psycopg2.connect(database_url)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'schema_migrations'")
        tables = [row[0] for row in cur.fetchall()]
        if tables:
            cur.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
    conn.close()
    return database_url


@pytest.fixture(scope="session")
def discord_server():
    fake = FakeDiscord(application_id=BOT_ID, bot_token=BOT_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def own_discord():
    """A fake Discord of the test module's own: jobs walk every guild a fake knows, so a module whose jobs
    must see only its guilds overrides `fake_discord` with this one, emptied by `forget_guilds()`."""
    fake = FakeDiscord(application_id=BOT_ID, bot_token=BOT_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_discord(discord_server):
    discord_server.reset()
    return discord_server


@pytest.fixture(scope="session")
def signing_key():
    return SigningKey.generate()


@pytest.fixture
def settings(clean_db, fake_discord, signing_key):
    return {
        "DATABASE_URL": clean_db,
        "DISCORD_APPLICATION_ID": BOT_ID,
        "DISCORD_PUBLIC_KEY": signing_key.verify_key.encode().hex(),
        "DISCORD_BOT_TOKEN": BOT_TOKEN,
        "DISCORD_API_BASE": fake_discord.base_url,
        "DISCORD_CDN_BASE": fake_discord.cdn_url,
        "SECRET_KEY": "test-secret-key",
    }


@pytest.fixture
def app(settings):
    from app import create_app
    return create_app(settings)


@pytest.fixture
def runtime(app):
    return app.extensions["statussync"]


@pytest.fixture
def discord(app, signing_key):
    """Discord's side: signs interactions and posts them to the app."""
    return DiscordSide(app.test_client(), signing_key)
