// The search boxes ask a web search engine for this site's pages when JavaScript does not run.
// When it does, this sends them to the site's own search page instead (hub's search.js),
// which searches as you type and shares nothing with anyone.
"use strict";
for (const form of document.querySelectorAll("form[data-search-page]")) {
  form.action = form.dataset.searchPage;
  for (const field of form.querySelectorAll('input[name="sites"]')) {
    field.disabled = true;
  }
}
