// The dashboard's tabs, in order. A tab is a module exporting {id, title, render(panel, ctx)}: adding one
// (Backups, Premium) is a new file here and one line below.
import overview from "./overview.js";
import moderation from "./moderation.js";
import automod from "./automod.js";
import leveling from "./leveling.js";
import reputation from "./reputation.js";
import custom from "./custom.js";
import ai from "./ai.js";
import access from "./access.js";
import changes from "./changes.js";
import settings from "./settings.js";

export const TABS = [overview, moderation, automod, leveling, reputation, custom, ai, access, changes, settings];
