package io.statetree.autoconfigure.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.actuate.StateTreeConsole;
import io.statetree.core.InvalidPathException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves the console at {@code statetree.console.path}: the page ({@code <path>/}, one HTML
 * file, one script and one style sheet from this jar, nothing from another host) and its JSON API
 * under {@code <path>/api/}, every answer coming from {@link StateTreeConsole} for the request's
 * caller. The paths of the tree travel as the query parameter {@code path}.
 * <ul>
 * <li>{@code GET api/session}: who is signed in, whether it may write, and the CSRF token the
 * page sends with its writes.</li>
 * <li>{@code GET api/overview}, {@code GET api/children?path=&offset=&limit=},
 * {@code GET|PUT|DELETE api/value?path=} (PUT: the body is the value as JSON),
 * {@code GET api/changes?after=&limit=}, {@code POST api/restore?revision=},
 * {@code GET api/groups}, {@code GET api/dead-letters?group=}.</li>
 * <li>{@code GET api/events?pattern=&after=}: the live stream of events (server-sent events, see
 * {@link ConsoleEventStream}), resumed after a reconnect from the {@code Last-Event-ID}.</li>
 * </ul>
 */
@RestController
@RequestMapping("${statetree.console.path:/statetree}")
class StateTreeConsoleController implements SmartLifecycle, DisposableBean {

	/** The files of the page, served from this jar. */
	private static final Map<String, MediaType> ASSETS = Map.of("index.html", MediaType.TEXT_HTML, "console.js",
			MediaType.valueOf("text/javascript"), "console.css", MediaType.valueOf("text/css"));

	/** Nothing the page loads or connects to comes from another origin. */
	private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; "
			+ "style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'self'; form-action 'self'";

	private static final int DEFAULT_PAGE = 200;

	private static final boolean SECURITY_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.web.csrf.CsrfToken", StateTreeConsoleController.class.getClassLoader());

	private final StateTreeConsole console;

	private final JsonMapper jsonMapper;

	private final Map<String, byte[]> assets = new ConcurrentHashMap<>();

	private final Set<ConsoleEventStream> streams = ConcurrentHashMap.newKeySet();

	private final ExecutorService senders;

	/** Whether new event streams are opened (false once the application began to stop). */
	private volatile boolean running;

	StateTreeConsoleController(StateTreeConsole console, JsonMapper jsonMapper) {
		this.console = console;
		this.jsonMapper = jsonMapper;
		AtomicInteger threads = new AtomicInteger();
		this.senders = Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "statetree-console-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	@GetMapping("")
	ResponseEntity<Void> home(HttpServletRequest request) {
		return ResponseEntity.status(302).header(HttpHeaders.LOCATION, request.getRequestURI() + "/").build();
	}

	@GetMapping("/")
	ResponseEntity<byte[]> page() {
		return asset("index.html");
	}

	@GetMapping({ "/console.js", "/console.css" })
	ResponseEntity<byte[]> script(HttpServletRequest request) {
		String uri = request.getRequestURI();
		return asset(uri.substring(uri.lastIndexOf('/') + 1));
	}

	@GetMapping("/api/session")
	ResponseEntity<Object> session(HttpServletRequest request) {
		WebEndpointResponse<Object> repeated = repeated(request);
		if (repeated != null) {
			return entity(repeated);
		}
		WebEndpointResponse<Object> answer = this.console.session(context(request));
		if (answer.getStatus() == WebEndpointResponse.STATUS_OK && answer.getBody() instanceof Map<?, ?> body) {
			Map<String, Object> withToken = new LinkedHashMap<>();
			body.forEach((key, value) -> withToken.put(String.valueOf(key), value));
			Map<String, String> csrf = SECURITY_PRESENT ? Csrf.token(request) : null;
			if (csrf != null) {
				withToken.put("csrf", csrf);
			}
			return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(withToken);
		}
		return entity(answer);
	}

	@GetMapping("/api/overview")
	ResponseEntity<Object> overview(HttpServletRequest request) {
		WebEndpointResponse<Object> repeated = repeated(request);
		if (repeated != null) {
			return entity(repeated);
		}
		return entity(this.console.overview(context(request)));
	}

	@GetMapping("/api/children")
	ResponseEntity<Object> children(HttpServletRequest request, @RequestParam(required = false) @Nullable String path,
			@RequestParam(required = false) @Nullable String offset,
			@RequestParam(required = false) @Nullable String limit) {
		WebEndpointResponse<Object> repeated = repeated(request);
		if (repeated != null) {
			return entity(repeated);
		}
		Integer from = number(offset, 0);
		Integer size = number(limit, DEFAULT_PAGE);
		if (from == null || size == null) {
			return entity(StateTreeConsole.badRequest((from == null)
					? "Parameter 'offset' must be a whole number, 0 or more"
					: "Parameter 'limit' must be a whole number between 1 and " + StateTreeConsole.MAX_PAGE));
		}
		return entity(this.console.children(context(request), path, from, size));
	}

	@GetMapping("/api/value")
	ResponseEntity<Object> value(HttpServletRequest request, @RequestParam(required = false) @Nullable String path) {
		WebEndpointResponse<Object> repeated = repeated(request);
		if (repeated != null) {
			return entity(repeated);
		}
		return entity(this.console.value(context(request), path));
	}

	@PutMapping("/api/value")
	ResponseEntity<Object> write(HttpServletRequest request, @RequestParam(required = false) @Nullable String path,
			@RequestBody(required = false) @Nullable String body) {
		WebEndpointResponse<Object> repeated = repeated(request);
		if (repeated != null) {
			return entity(repeated);
		}
		return entity(this.console.write(context(request), path, body));
	}

	@DeleteMapping("/api/value")
	ResponseEntity<Object> delete(HttpServletRequest request, @RequestParam(required = false) @Nullable String path) {
		WebEndpointResponse<Object> repeated = repeated(request);
		if (repeated != null) {
			return entity(repeated);
		}
		return entity(this.console.delete(context(request), path));
	}

	@GetMapping("/api/changes")
	ResponseEntity<Object> changes(HttpServletRequest request, @RequestParam(required = false) @Nullable String after,
			@RequestParam(required = false) @Nullable String limit) {
		WebEndpointResponse<Object> repeated = repeated(request);
		if (repeated != null) {
			return entity(repeated);
		}
		return entity(this.console.changes(context(request), after, limit));
	}

	@PostMapping("/api/restore")
	ResponseEntity<Object> restore(HttpServletRequest request,
			@RequestParam(required = false) @Nullable String revision) {
		WebEndpointResponse<Object> repeated = repeated(request);
		if (repeated != null) {
			return entity(repeated);
		}
		long number;
		try {
			number = Long.parseLong((revision != null) ? revision.strip() : "");
		}
		catch (NumberFormatException ex) {
			return entity(StateTreeConsole.badRequest("Parameter 'revision' must be a revision, 1 or more"));
		}
		return entity(this.console.restore(context(request), number));
	}

	@GetMapping("/api/groups")
	ResponseEntity<Object> groups(HttpServletRequest request) {
		WebEndpointResponse<Object> repeated = repeated(request);
		if (repeated != null) {
			return entity(repeated);
		}
		return entity(this.console.groups(context(request)));
	}

	@GetMapping("/api/dead-letters")
	ResponseEntity<Object> deadLetters(HttpServletRequest request,
			@RequestParam(required = false) @Nullable String group) {
		WebEndpointResponse<Object> repeated = repeated(request);
		if (repeated != null) {
			return entity(repeated);
		}
		return entity(this.console.deadLetters(context(request), group));
	}

	/**
	 * Opens the live stream of events; on an error answers JSON with the status instead.
	 */
	@GetMapping(path = "/api/events", produces = { MediaType.TEXT_EVENT_STREAM_VALUE, MediaType.ALL_VALUE })
	@Nullable SseEmitter events(HttpServletRequest request, HttpServletResponse response,
			@RequestParam(required = false) @Nullable String pattern,
			@RequestParam(required = false) @Nullable String after,
			@RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId) throws IOException {
		if (!this.running) {
			return fail(response, new WebEndpointResponse<>(Map.of("status", 503, "error", "Service Unavailable",
					"message", "The application is stopping"), 503));
		}
		WebEndpointResponse<Object> repeated = repeated(request);
		if (repeated != null) {
			return fail(response, repeated);
		}
		SecurityContext context = context(request);
		StateTreeConsole.EventView view = this.console.events(context);
		if (view == null) {
			return fail(response, this.console.refusal(context));
		}
		String resumeFrom = (lastEventId != null && !lastEventId.isBlank()) ? lastEventId : after;
		ConsoleEventStream.Position position = ConsoleEventStream.Position.parse(resumeFrom);
		if (position == null) {
			return fail(response, StateTreeConsole.badRequest((lastEventId != null && !lastEventId.isBlank())
					? "Header 'Last-Event-ID' must be an event id of this stream (revision-index)"
					: "Parameter 'after' must be a revision (0 or more) or an event id of this stream"));
		}
		String watched = (pattern == null || pattern.isBlank()) ? "/**" : pattern.strip();
		if (!watched.startsWith("/")) {
			return fail(response, StateTreeConsole.badRequest(
					"Parameter 'pattern' must be a path pattern starting with '/', such as /orders/**"));
		}
		try {
			ConsoleEventStream stream = ConsoleEventStream.open(this.console.controller(), watched, position, view,
					this.jsonMapper, this.senders, this.streams::remove);
			this.streams.add(stream);
			return stream.emitter();
		}
		catch (InvalidPathException ex) {
			return fail(response, StateTreeConsole.badRequest(ex.getMessage()));
		}
	}

	/** Ends every open event stream (the browser reconnects and resumes): for tests. */
	void closeStreams() {
		for (ConsoleEventStream stream : this.streams) {
			stream.close();
		}
	}

	/** How many event streams are open: for tests. */
	int openStreams() {
		return this.streams.size();
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Ends the open event streams as soon as the application begins to stop, before the web
	 * server's graceful shutdown, which would otherwise wait its whole timeout for them.
	 */
	@Override
	public void stop() {
		this.running = false;
		closeStreams();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public void destroy() {
		closeStreams();
		this.senders.shutdownNow();
	}

	private @Nullable SseEmitter fail(HttpServletResponse response, WebEndpointResponse<Object> answer)
			throws IOException {
		response.setStatus(answer.getStatus());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.getOutputStream().write(this.jsonMapper.writeValueAsBytes(answer.getBody()));
		return null;
	}

	private ResponseEntity<byte[]> asset(String name) {
		MediaType type = ASSETS.get(name);
		if (type == null) {
			return ResponseEntity.notFound().build();
		}
		byte[] bytes = this.assets.computeIfAbsent(name, StateTreeConsoleController::load);
		return ResponseEntity.ok()
			.contentType(new MediaType(type, StandardCharsets.UTF_8))
			.cacheControl(CacheControl.noCache())
			.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
			.header("X-Content-Type-Options", "nosniff")
			.body(bytes);
	}

	private static byte[] load(String name) {
		try (InputStream in = StateTreeConsoleController.class.getResourceAsStream(name)) {
			if (in == null) {
				throw new IllegalStateException("The console's file " + name + " is missing from the jar");
			}
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new IllegalStateException("The console's file " + name + " cannot be read", ex);
		}
	}

	private static ResponseEntity<Object> entity(WebEndpointResponse<Object> answer) {
		return ResponseEntity.status(answer.getStatus()).cacheControl(CacheControl.noStore()).body(answer.getBody());
	}

	/**
	 * A 400 naming the first query parameter given more than once ({@code ?path=/a&path=/b} would
	 * otherwise be read as {@code /a,/b}), or {@code null} when each is given at most once.
	 */
	private static @Nullable WebEndpointResponse<Object> repeated(HttpServletRequest request) {
		for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
			if (parameter.getValue().length > 1) {
				return StateTreeConsole.badRequest("Parameter '" + parameter.getKey() + "' must be given at most once");
			}
		}
		return null;
	}

	private static @Nullable Integer number(@Nullable String text, int absent) {
		if (text == null || text.isBlank()) {
			return absent;
		}
		try {
			return Integer.valueOf(text.strip());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/** The request's caller, as the endpoints see theirs. */
	private static SecurityContext context(HttpServletRequest request) {
		return new SecurityContext() {

			@Override
			public @Nullable Principal getPrincipal() {
				return request.getUserPrincipal();
			}

			@Override
			public boolean isUserInRole(String role) {
				return request.isUserInRole(role);
			}

		};
	}

	/**
	 * Reads Spring Security's CSRF token of the request (touched only when Spring Security is
	 * present).
	 */
	private static final class Csrf {

		static @Nullable Map<String, String> token(HttpServletRequest request) {
			Object token = request.getAttribute(CsrfToken.class.getName());
			if (token instanceof CsrfToken csrf) {
				return Map.of("header", csrf.getHeaderName(), "token", csrf.getToken());
			}
			return null;
		}

	}

}
