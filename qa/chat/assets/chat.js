/* Clicking [n] shows entry src-n of the sources panel. Clicking the message also fires the chatbot's select
   event, which switches the panel to that message's turn; the entry is scrolled to once the panel shows it. */
(() => {
  const show = (turn, id, tries) => {
    const panel = document.querySelector('#nq-sources .nq-sources');
    const entry = panel && panel.dataset.turn === turn
      ? panel.querySelector('[id="' + CSS.escape(id) + '"]') : null;
    if (!entry) { if (tries > 0) setTimeout(() => show(turn, id, tries - 1), 100); return; }
    panel.querySelectorAll('.nq-src.nq-active').forEach((el) => el.classList.remove('nq-active'));
    entry.classList.add('nq-active');
    entry.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  };
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a.cite') : null;
    if (!link) return;
    event.preventDefault();
    const turn = (/\bturn-(\d+)\b/.exec(link.className) || [])[1] || '';
    show(turn, (link.getAttribute('href') || '').slice(1), 60);
  }, true);
})();
