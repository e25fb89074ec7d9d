// The dashboard's tabs, in order. A tab is a module whose default export is {render(panel, ctx)}, loaded
// when the tab first opens. Adding one (Backups, Premium) is a new file here and one line below.
export const TABS = [
  { id: "overview", title: "Overview", load: () => import("./overview.js") },
  { id: "moderation", title: "Moderation", load: () => import("./moderation.js") },
  { id: "automod", title: "Automod", load: () => import("./automod.js") },
  { id: "leveling", title: "Leveling", load: () => import("./leveling.js") },
  { id: "reputation", title: "Reputation", load: () => import("./reputation.js") },
  { id: "custom", title: "Custom commands", load: () => import("./custom.js") },
  { id: "ai", title: "AI", load: () => import("./ai.js") },
  { id: "backups", title: "Backups", load: () => import("./backups.js") },
  { id: "premium", title: "Premium", load: () => import("./premium.js") },
  { id: "access", title: "Access", load: () => import("./access.js") },
  { id: "changes", title: "Change log", load: () => import("./changes.js") },
  { id: "settings", title: "Settings", load: () => import("./settings.js") },
];
