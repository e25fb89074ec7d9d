// Loaded as a classic script in <head> so the chosen theme applies before the first paint (no flash).
(function () {
  try {
    var saved = localStorage.getItem("statussync-theme");
    if (saved === "light" || saved === "dark") document.documentElement.setAttribute("data-theme", saved);
  } catch (err) { /* storage blocked: follow the system */ }
})();
