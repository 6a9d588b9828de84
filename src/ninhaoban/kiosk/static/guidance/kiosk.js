// The kiosk has no physical keyboard: letter buttons type into the search box and let htmx
// fetch the suggestions exactly as typing would.
document.addEventListener("click", function (event) {
  var key = event.target.closest(".kiosk-keys .key");
  if (!key) return;
  var input = document.getElementById("guidance-q");
  var value = key.dataset.key;
  if (value === "back") input.value = input.value.slice(0, -1);
  else if (value === "clear") input.value = "";
  else input.value += value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.focus();
});
