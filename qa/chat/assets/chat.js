/* Clicking [n] shows passage src-n of the sources panel. Clicking the message also fires the chatbot's select
   event, which switches the panel to that message's turn; the passage is scrolled to once the panel shows it.
   The panel's buttons copy its answer as Markdown and download the conversation; the Markdown comes from
   hidden textareas the server filled in (as text: nothing here builds HTML from it). */
(() => {
  const show = (turn, id, tries) => {
    const panel = document.querySelector('#nq-sources .nq-sources');
    const entry = panel && panel.dataset.turn === turn
      ? panel.querySelector('[id="' + CSS.escape(id) + '"]') : null;
    if (!entry) { if (tries > 0) setTimeout(() => show(turn, id, tries - 1), 100); return; }
    panel.querySelectorAll('.nq-active').forEach((el) => el.classList.remove('nq-active'));
    entry.classList.add('nq-active');
    const card = entry.closest('.nq-src');
    if (card) card.classList.add('nq-active');
    entry.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  };
  const say = (panel, text) => {
    const status = panel.querySelector('.nq-copied');
    if (status) status.textContent = text;
  };
  const copy = async (panel) => {
    const area = panel.querySelector('textarea.nq-md-answer');
    if (!area) return;
    try {
      await navigator.clipboard.writeText(area.value);
    } catch (err) {  // no clipboard API (plain http off localhost): the old way, from a selected textarea
      area.hidden = false;
      area.select();
      const done = document.execCommand('copy');
      area.hidden = true;
      if (!done) { say(panel, 'Copy failed: select the text by hand.'); return; }
    }
    say(panel, 'Copied.');
  };
  const download = (panel) => {
    const area = panel.querySelector('textarea.nq-md-conversation');
    if (!area) return;
    const url = URL.createObjectURL(new Blob([area.value], { type: 'text/markdown;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'newsqa-conversation.md';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    say(panel, 'Downloaded.');
  };
  // A long passage scrolls inside its card: start it at the highlighted sentence, once per passage shown.
  let pending = false;
  const toMarks = () => {
    pending = false;
    document.querySelectorAll('#nq-sources .nq-passage:not([data-at-mark])').forEach((passage) => {
      passage.dataset.atMark = '1';
      const mark = passage.querySelector('mark');
      if (mark) passage.scrollTop = Math.max(0, mark.offsetTop - 24);  // the passage is positioned
    });
  };
  new MutationObserver(() => {
    if (!pending) { pending = true; requestAnimationFrame(toMarks); }
  }).observe(document.documentElement, { subtree: true, childList: true });
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const tool = target ? target.closest('#nq-sources button.nq-tool') : null;
    if (tool) {
      const panel = tool.closest('.nq-sources');
      if (tool.classList.contains('nq-copy')) copy(panel); else download(panel);
      return;
    }
    const link = target ? target.closest('a.cite') : null;
    if (!link) return;
    event.preventDefault();
    const turn = (/\bturn-(\d+)\b/.exec(link.className) || [])[1] || '';
    show(turn, (link.getAttribute('href') || '').slice(1), 60);
  }, true);
})();
