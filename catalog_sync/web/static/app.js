// catalog-sync web page: the only script. Pages work without it; it adds two conveniences.
// In the tag picker a tag is used one way at a time: ticking "all", "any" or "none" on a row
// unticks the other two of that row. A search leaves its blank fields out of the URL, so a
// bookmarked query reads like the API's (`/?tag=data+lake`); the server ignores blanks anyway.
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.classList.contains("filters")) return;
  for (const field of form.querySelectorAll("input[name], select[name]")) {
    if ((field.type !== "checkbox" && field.value === "")) field.disabled = true;
  }
});
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.type !== "checkbox" || !box.checked) return;
  const row = box.closest("table.picker tr");
  if (!row) return;
  for (const other of row.querySelectorAll("input[type=checkbox]")) {
    if (other !== box) other.checked = false;
  }
});
