// storydiff pages: clicking a claim in a card centres it in the full article text and flashes it.
// The link is a plain #anchor, so this only improves on what the browser already does.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.claim-link");
  if (!link) return;
  const target = document.getElementById(link.dataset.target);
  if (!target) return;
  requestAnimationFrame(() => {
    target.scrollIntoView({ block: "center" });
    document.querySelectorAll(".claim.flash").forEach((el) => el.classList.remove("flash"));
    target.classList.add("flash");
  });
});
