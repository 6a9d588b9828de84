// Starts Swagger UI on /api/v1/docs with the settings the page carries as JSON. A request
// sent with "Try it out" from a signed-in browser carries the CSRF token, as the
// website's own calls to the API do.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrfToken = document.body.dataset.csrfToken;
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  config.requestInterceptor = function (request) {
    if (csrfToken) request.headers["X-CSRFToken"] = csrfToken;
    return request;
  };
  SwaggerUIBundle(config);
})();
