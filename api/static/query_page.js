// The SPARQL query page (api/query_page.py): YASGUI on this endpoint, with our prefixes and example queries.
// Nothing here talks to another host: prefixes come with the page, classes and properties from this endpoint.
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("gzg-query-config").textContent);
  const endpoint = new URL(config.endpoint, window.location.href).href;
  const examples = new Map(config.examples.map((example) => [example.id, example]));
  const menu = document.getElementById("examples");
  const description = document.getElementById("example-description");

  function describe(example) {
    description.textContent = example ? example.description : "";
  }

  if (typeof window.Yasgui !== "function") {
    // YASGUI is not installed: the plain form stays, the menu fills its text area.
    menu.addEventListener("change", () => {
      const example = examples.get(menu.value);
      describe(example);
      if (example) document.getElementById("fallback-query").value = example.sparql;
    });
    return;
  }
  const Yasgui = window.Yasgui;
  document.getElementById("fallback").hidden = true;

  // Prefix completion from our own list (YASGUI's default asks prefix.cc); an array is used as it is.
  const prefixes = Object.entries(config.prefixes)
    .map(([prefix, namespace]) => `${prefix}: <${namespace}>`)
    .sort();
  Yasgui.Yasqe.registerAutocompleter({ ...Yasgui.Yasqe.Autocompleters.prefixes, get: prefixes });

  // Class and property completion from this endpoint (YASGUI's default asks the LOV API), asked once.
  const terms = {};
  function ask(kind) {
    if (!terms[kind]) {
      const query =
        kind === "class"
          ? "SELECT DISTINCT ?term WHERE { [] a ?term } ORDER BY ?term"
          : "SELECT DISTINCT ?term WHERE { [] ?term [] } ORDER BY ?term";
      terms[kind] = fetch(endpoint, {
        method: "POST",
        headers: { Accept: "application/sparql-results+json" },
        body: new URLSearchParams({ query }),
      })
        .then((response) => (response.ok ? response.json() : { results: { bindings: [] } }))
        .then((json) => json.results.bindings.filter((b) => b.term.type === "uri").map((b) => b.term.value))
        .catch(() => []);
    }
    return terms[kind];
  }
  for (const kind of ["class", "property"]) {
    Yasgui.Yasqe.registerAutocompleter({
      ...Yasgui.Yasqe.Autocompleters[kind],
      bulk: false,
      get: (yasqe, token) => {
        const start = (token && (token.autocompletionString || token.string)) || "";
        return ask(kind).then((all) => all.filter((iri) => iri.startsWith(start)).slice(0, 100));
      },
    });
  }

  const first = config.examples[0];
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint }] },
    persistenceId: "gzg-sparql",
    // a shared link (#query=...&endpoint=...) opens on this endpoint, whatever endpoint it names
    populateFromUrl: (fromUrl) => ({ ...fromUrl, requestConfig: { ...fromUrl.requestConfig, endpoint } }),
    tabName: first ? first.title : "Query",
    yasqe: first ? { value: first.sparql } : {},
    yasr: { prefixes: config.prefixes }, // results show our prefixes too, the query's own taking precedence
  });
  window.yasgui = yasgui; // for the console (and the browser test)

  // Tabs kept from an earlier visit (or a share link) query this endpoint: the page may connect to no other.
  for (const tabId of yasgui.persistentConfig.getTabs()) {
    const tab = yasgui.getTab(tabId);
    if (tab && tab.getEndpoint() !== endpoint) tab.setEndpoint(endpoint);
  }

  menu.addEventListener("change", () => {
    const example = examples.get(menu.value);
    describe(example);
    if (!example) return;
    yasgui.addTab(
      true,
      { name: example.title, yasqe: { value: example.sparql }, requestConfig: { endpoint } },
      { avoidDuplicateTabs: true },
    );
  });

  // Our own IRIs (under the graph's base) open their page on this server, whatever host the base names.
  // YASR shows IRIs prefixed or shortened and links to the full IRI: the full IRI is also each link's title.
  const base = config.base.replace(/\/$/, "") + "/";
  function localise(root) {
    for (const link of root.querySelectorAll("a.iri[href]")) {
      const href = link.getAttribute("href");
      if (href.startsWith(base)) link.setAttribute("href", "/" + href.slice(base.length));
      if (!link.hasAttribute("title")) link.setAttribute("title", href);
      link.setAttribute("rel", "noopener");
    }
  }
  const results = document.getElementById("yasgui");
  new MutationObserver(() => localise(results)).observe(results, { childList: true, subtree: true });
  localise(results);
  // A click on a link in a shortened ("Ellipse") cell opens the link; YASR's handler would only widen the cell
  // and cancel the click. Elsewhere in the cell a click still widens it.
  document.addEventListener(
    "click",
    (event) => {
      if (event.target instanceof Element && event.target.closest("#yasgui a.iri")) event.stopPropagation();
    },
    true,
  );
})();
