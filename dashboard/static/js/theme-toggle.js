// The light/dark toggle: remembers an explicit choice; without one the system preference applies.
const KEY = "statussync-theme";
const media = window.matchMedia("(prefers-color-scheme: dark)");

export function currentTheme() {
  const forced = document.documentElement.getAttribute("data-theme");
  return forced || (media.matches ? "dark" : "light");
}

export function initThemeToggle(button) {
  const label = () => {
    // A toggle button keeps one name; its pressed state says whether the dark theme is on.
    button.setAttribute("aria-pressed", currentTheme() === "dark" ? "true" : "false");
  };
  button.addEventListener("click", () => {
    const next = currentTheme() === "dark" ? "light" : "dark";
    document.documentElement.setAttribute("data-theme", next);
    try { localStorage.setItem(KEY, next); } catch (err) { /* private mode: not remembered */ }
    label();
    document.dispatchEvent(new CustomEvent("theme-change", { detail: next }));
  });
  media.addEventListener("change", () => {
    label();
    document.dispatchEvent(new CustomEvent("theme-change", { detail: currentTheme() }));
  });
  label();
}
