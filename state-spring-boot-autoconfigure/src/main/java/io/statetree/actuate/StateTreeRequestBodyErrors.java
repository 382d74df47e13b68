package io.statetree.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Answers a request to the {@code statetree} (or {@code statetreechanges}) endpoint whose body is
 * not JSON (such as
 * <code>{"value": s3cr3t}</code>, a value typed without its quotes) with a 400 that quotes nothing
 * of the body. Without it Spring MVC's {@code DefaultHandlerExceptionResolver} logs the parser's
 * message at WARN, and that message quotes the offending token: the value being written, a secret
 * perhaps, would land in the log. It advises only the handlers of Spring Boot's actuator
 * endpoints (never the application's controllers, whose own advice stays in charge), and hands
 * every other request's exception on untouched.
 */
@ControllerAdvice(basePackages = StateTreeRequestBodyErrors.ACTUATOR_HANDLERS)
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class StateTreeRequestBodyErrors {

	/** The package of the handlers Spring Boot's actuator web endpoints run through. */
	static final String ACTUATOR_HANDLERS = "org.springframework.boot.webmvc.actuate.endpoint.web";

	private final Supplier<List<String>> endpointPaths;

	/**
	 * Creates the advice.
	 * @param endpointPaths the paths of the StateTree endpoints inside the application (such as
	 * {@code /actuator/statetree}); those not mapped left out
	 */
	public StateTreeRequestBodyErrors(Supplier<List<String>> endpointPaths) {
		this.endpointPaths = endpointPaths;
	}

	/**
	 * Answers an unreadable body sent to the endpoint.
	 * @param ex the exception
	 * @param request the request
	 * @return a 400 with a fixed message
	 * @throws HttpMessageNotReadableException the exception itself, untouched, for any other
	 * request
	 */
	@ExceptionHandler(HttpMessageNotReadableException.class)
	public ResponseEntity<Map<String, Object>> unreadableBody(HttpMessageNotReadableException ex, WebRequest request)
			throws HttpMessageNotReadableException {
		if (!isEndpointRequest(request)) {
			throw ex;
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("status", HttpStatus.BAD_REQUEST.value());
		body.put("error", "Bad Request");
		body.put("message", "The request body is not a JSON object such as {\"value\": \"<JSON text>\"}");
		return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON).body(body);
	}

	private boolean isEndpointRequest(WebRequest request) {
		// The pattern the request was mapped with (such as /actuator/statetree/{*path}): decoded
		// and normalised by the mapping, unlike the request's URI.
		Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE,
				RequestAttributes.SCOPE_REQUEST);
		if (pattern == null) {
			return false;
		}
		String mapped = pattern.toString();
		for (String path : this.endpointPaths.get()) {
			if (mapped.equals(path) || mapped.startsWith(path + "/")) {
				return true;
			}
		}
		return false;
	}

}
