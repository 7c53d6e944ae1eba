// Renders the Reach API reference from the OpenAPI document of the server that serves this
// page. Kept out of index.html so the page's Content-Security-Policy allows no inline script.
"use strict";

window.ui = SwaggerUIBundle({
  // Relative to /docs, so a path prefix in front of Reach is kept.
  url: new URL("openapi.json", document.baseURI).href,
  dom_id: "#swagger-ui",
  // BaseLayout: the document only, without the standalone top bar that loads other URLs.
  layout: "BaseLayout",
  deepLinking: true,
  // Never send the document to the public validator (and load no badge from it).
  validatorUrl: null,
  // The API key pasted into "Authorize" is kept only while the page is open.
  persistAuthorization: false,
  displayRequestDuration: true,
  filter: true,
});
