// ARIA tabs (WAI-ARIA Authoring Practices): one tab stop, arrow keys move between tabs, Home/End jump.
import { h, replace } from "./dom.js";

export function mountTabs(root, tabs, { selected, onSelect }) {
  const list = h("div", { class: "tabs", role: "tablist", "aria-label": "Dashboard sections" });
  const panel = h("section", { class: "tab-panel", role: "tabpanel", tabindex: "0" });
  const buttons = tabs.map((tab) =>
    h("button", {
      type: "button", role: "tab", id: `tab-${tab.id}`, "aria-controls": "tab-panel", dataset: { tab: tab.id },
      onclick: () => onSelect(tab.id, { focusPanel: false }),
    }, tab.title));
  panel.id = "tab-panel";
  list.append(...buttons);
  list.addEventListener("keydown", (event) => {
    const index = buttons.indexOf(document.activeElement);
    if (index < 0) return;
    const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = buttons[(moves[event.key] + buttons.length) % buttons.length];
    next.focus();
    onSelect(next.dataset.tab, { focusPanel: false }); // automatic activation: the panel follows focus
  });
  replace(root, list, panel);

  function show(id) {
    for (const button of buttons) {
      const on = button.dataset.tab === id;
      button.setAttribute("aria-selected", on ? "true" : "false");
      button.tabIndex = on ? 0 : -1;
      if (on) {
        panel.setAttribute("aria-labelledby", button.id);
        // Scroll only the tab strip (a phone shows part of it); scrollIntoView would move the page too.
        const left = button.offsetLeft - list.offsetLeft;
        if (left < list.scrollLeft || left + button.offsetWidth > list.scrollLeft + list.clientWidth) list.scrollLeft = left - 16;
      }
    }
  }
  show(selected);
  return { panel, show };
}
