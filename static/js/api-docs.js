// Starts Swagger UI on /api/docs from our own static files; the settings come from the page, not inline script.
(function () {
  const settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  const csrfToken = document.body.dataset.csrfToken;
  settings.dom_id = "#swagger-ui";
  settings.presets = [SwaggerUIBundle.presets.apis];
  // "Try it out" from a signed-in browser uses the session, which needs the CSRF token on writes.
  settings.requestInterceptor = (request) => {
    if (csrfToken) {
      request.headers["X-CSRFToken"] = csrfToken;
    }
    return request;
  };
  SwaggerUIBundle(settings);
})();
