// The contact picker: an ARIA 1.2 combobox (editable, list autocomplete) over the server's
// suggestions (GET /contacts/picker?q=, server-rendered and escaped). Arrow keys move through
// the options, Enter picks, Escape closes; the picked contact's id goes in the hidden field.
// Without this script the form still works: the server finds the contact by what was typed.

for (const root of document.querySelectorAll("[data-combobox]")) init(root);

function init(root) {
  const input = root.querySelector("[data-combobox-input]");
  const hidden = root.querySelector("[data-combobox-value]");
  const list = root.querySelector("[data-combobox-list]");
  const status = root.querySelector("[data-combobox-status]");
  const source = root.dataset.source;
  let timer = 0;
  let asked = 0;

  const options = () => [...list.querySelectorAll('[role="option"]:not([aria-disabled="true"])')];
  const active = () => list.querySelector('[aria-selected="true"]');

  function show(open) {
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) input.removeAttribute("aria-activedescendant");
  }

  function highlight(option) {
    for (const o of list.querySelectorAll('[aria-selected="true"]')) o.setAttribute("aria-selected", "false");
    if (!option) { input.removeAttribute("aria-activedescendant"); return; }
    option.setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  }

  function pick(option) {
    input.value = option.querySelector(".option-name")?.textContent.trim() ?? option.textContent.trim();
    hidden.value = option.dataset.value;
    show(false);
    status.textContent = `${input.value} chosen.`;
  }

  async function suggest() {
    const q = input.value.trim();
    const mine = ++asked;
    if (!q) { list.replaceChildren(); show(false); return; }
    try {
      const response = await fetch(`${source}&q=${encodeURIComponent(q)}`, { headers: { Accept: "text/html" } });
      if (!response.ok || mine !== asked) return;
      list.innerHTML = await response.text(); // server-rendered, every name escaped
      const count = options().length;
      status.textContent = count ? `${count} contact${count === 1 ? "" : "s"} found; use the arrow keys to choose.` : "No contact matches.";
      show(list.childElementCount > 0 && document.activeElement === input);
    } catch { /* offline: typing a full name still works, the server finds it */ }
  }

  input.addEventListener("input", () => {
    hidden.value = ""; // what was picked no longer matches the text
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });

  input.addEventListener("keydown", (event) => {
    const all = options();
    const at = all.indexOf(active());
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (list.hidden && all.length) show(true);
      highlight(all[Math.min(at + 1, all.length - 1)] ?? null);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(all[Math.max(at - 1, 0)] ?? null);
    } else if (event.key === "Enter" && !list.hidden) {
      const chosen = active() ?? (all.length === 1 ? all[0] : null);
      if (chosen) { event.preventDefault(); pick(chosen); }
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault(); // the dock's Escape waits for the list to close first
      show(false);
    }
  });

  list.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the box
  list.addEventListener("click", (event) => {
    const option = event.target.closest('[role="option"]');
    if (option && option.getAttribute("aria-disabled") !== "true") pick(option);
  });
  input.addEventListener("blur", () => show(false));
}
