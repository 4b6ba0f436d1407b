// "Copy" buttons: <button data-copy="<input id>"> copies that input's value and says so in
// the nearest [data-copy-status]. Used where a secret is shown once (admin pages).
function copied(button, text) {
  const status = button.closest("section")?.querySelector("[data-copy-status]");
  if (status) status.textContent = text;
}

async function copy(button) {
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  try {
    await navigator.clipboard.writeText(field.value);
    copied(button, "Copied.");
  } catch {
    // No clipboard (an insecure origin, or permission refused): select it for Ctrl+C.
    field.focus();
    field.select();
    copied(button, "Selected: press Ctrl+C (or Cmd+C) to copy.");
  }
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (button) copy(button);
});
