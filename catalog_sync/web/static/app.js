// catalog-sync web page: the only script. Pages work without it; it adds one convenience.
// In the tag picker a tag is used one way at a time: ticking "all", "any" or "none" on a row
// unticks the other two of that row.
"use strict";
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.type !== "checkbox" || !box.checked) return;
  const row = box.closest("table.picker tr");
  if (!row) return;
  for (const other of row.querySelectorAll("input[type=checkbox]")) {
    if (other !== box) other.checked = false;
  }
});
