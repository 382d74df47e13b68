package io.statetree.sample;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;

import io.statetree.core.InvalidPathException;
import io.statetree.core.PathPattern;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/events}: the state's changes as server-sent events, straight from
 * {@link StateController#watch}. Each change is one event whose id is {@code revision:index}, its
 * commit's revision and its place among that commit's events on this stream (1, 2, ...), and
 * whose data is {@code {path, oldValue, newValue, revision}}; a resync (the client fell behind or
 * the history no longer reaches back) is an event named {@code resync} whose id is a plain
 * revision. A client that reconnects with {@code Last-Event-ID: revision:index} gets the rest of
 * that commit, then what followed (the commit replayed with {@code watch(pattern, revision - 1)}
 * from the controller's history, its first {@code index} events skipped); a plain revision
 * resumes after that whole revision; an id ahead of the current revision (the in-memory sample
 * restarted) starts afresh with a {@code resync} event. {@code ?pattern=} narrows the paths
 * (default {@code /**}); an invalid pattern answers 400. A user's {@code apiToken} is never sent,
 * as everywhere in the sample's API.
 */
@RestController
@RequestMapping("/api")
public class EventsApi implements SmartLifecycle {

	/** The open streams, ended when the application stops (before the server's graceful shutdown waits for them). */
	private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();

	private volatile boolean running;

	/** How long one stream stays open before the client reconnects (with its Last-Event-ID). */
	/** The key of a user's API token, never sent. */
	private static final String SECRET = "apiToken";

	static final long TIMEOUT_MILLIS = 30 * 60 * 1000L;

	private final StateController state;

	/**
	 * Creates the API.
	 * @param state the state controller
	 */
	public EventsApi(StateController state) {
		this.state = state;
	}

	/**
	 * Streams the changes of the paths a pattern matches.
	 * @param pattern the pattern, {@code /**} by default
	 * @param lastEventId the last revision the client saw, when it reconnects
	 * @return the stream
	 */
	@GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	public SseEmitter events(@RequestParam(defaultValue = "/**") String pattern,
			@RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId) {
		try {
			PathPattern.compile(pattern);
		}
		catch (InvalidPathException ex) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, ex.getMessage(), ex);
		}
		EventId resume = EventId.parse(lastEventId);
		Long after = (resume != null) ? resume.after() : null;
		boolean resync = false;
		if (resume != null && resume.revision() > this.state.revision()) {
			// an id from before a restart of a store that did not keep its revisions (memory):
			// start afresh and tell the client to read again
			after = null;
			resume = null;
			resync = true;
		}
		Flow.Publisher<StateEvent> changes = (after != null) ? this.state.watch(pattern, after)
				: this.state.watch(pattern);
		SseEmitter emitter = new SseEmitter(TIMEOUT_MILLIS);
		this.open.add(emitter);
		try {
			// a first comment sends the response's headers at once, before any change
			emitter.send(SseEmitter.event().comment("watching " + pattern));
			if (resync) {
				emitter.send(SseEmitter.event().name("resync").id(Long.toString(this.state.revision())).data("{}"));
			}
		}
		catch (IOException ex) {
			emitter.completeWithError(ex);
			return emitter;
		}
		Forwarder forwarder = new Forwarder(emitter, resume);
		// one callback each (an emitter keeps one): stop watching and forget the stream
		emitter.onCompletion(() -> {
			forwarder.cancel();
			this.open.remove(emitter);
		});
		emitter.onTimeout(() -> {
			forwarder.cancel();
			emitter.complete();
		});
		emitter.onError((failure) -> forwarder.cancel());
		changes.subscribe(forwarder);
		return emitter;
	}

	@Override
	public void start() {
		this.running = true;
	}

	/** Ends every open stream, so that a graceful shutdown does not wait for them. */
	@Override
	public void stop() {
		this.running = false;
		for (SseEmitter emitter : this.open) {
			emitter.complete();
		}
		this.open.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Whether a path names a user's API token (the sample's API never shows one). */
	static boolean isSecret(String path) {
		for (String segment : path.split("/")) {
			if (SECRET.equals(segment)) {
				return true;
			}
		}
		return false;
	}

	/** A value without API tokens at any depth (values are immutable: a copy without them). */
	static @Nullable Object withoutSecrets(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, @Nullable Object> copy = new LinkedHashMap<>();
			map.forEach((key, child) -> {
				if (!SECRET.equals(key)) {
					copy.put(String.valueOf(key), withoutSecrets(child));
				}
			});
			return copy;
		}
		if (value instanceof List<?> list) {
			List<@Nullable Object> copy = new ArrayList<>(list.size());
			for (Object child : list) {
				copy.add(withoutSecrets(child));
			}
			return copy;
		}
		return value;
	}

	/**
	 * Where a stream resumes: after the first {@code sent} events of the commit at {@code revision}
	 * (an id {@code revision:index}), or after the whole revision ({@code sent < 0}: a plain revision).
	 */
	record EventId(long revision, long sent) {

		/** The id of the {@code index}-th event (from 1) of the commit at {@code revision}. */
		static String of(long revision, long index) {
			return revision + ":" + index;
		}

		/** The revision to replay after. */
		long after() {
			return (this.sent < 0) ? this.revision : this.revision - 1;
		}

		/** Whether the {@code index}-th event of the commit at {@code revision} was already sent. */
		boolean alreadySent(long eventRevision, long index) {
			return this.sent >= 0 && eventRevision == this.revision && index <= this.sent;
		}

		/** A Last-Event-ID header; null when absent or not an id of this API (a fresh start). */
		static @Nullable EventId parse(@Nullable String lastEventId) {
			if (lastEventId == null || lastEventId.isBlank()) {
				return null;
			}
			String id = lastEventId.trim();
			int colon = id.indexOf(':');
			try {
				if (colon < 0) {
					long revision = Long.parseLong(id);
					return (revision >= 0) ? new EventId(revision, -1) : null;
				}
				long revision = Long.parseLong(id.substring(0, colon));
				long index = Long.parseLong(id.substring(colon + 1));
				return (revision >= 1 && index >= 1) ? new EventId(revision, index) : null;
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}

	}

	/** Sends each event to the emitter, asking for the next one once sent; cancels when the client goes. */
	private static final class Forwarder implements Flow.Subscriber<StateEvent> {

		private final SseEmitter emitter;

		private volatile Flow.@Nullable Subscription subscription;

		private volatile boolean cancelled;

		/** Where the stream resumes inside a commit, or null. */
		private final @Nullable EventId resume;

		/** The revision of the last change event and its index in its commit (onNext is serial). */
		private long revision = -1;

		private long index;

		Forwarder(SseEmitter emitter, @Nullable EventId resume) {
			this.emitter = emitter;
			this.resume = resume;
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscription = subscription;
			if (this.cancelled) {
				subscription.cancel();
				return;
			}
			subscription.request(1);
		}

		/** Stops watching (the client went away, the stream ended). */
		void cancel() {
			this.cancelled = true;
			Flow.Subscription current = this.subscription;
			if (current != null) {
				current.cancel();
			}
		}

		@Override
		public void onNext(StateEvent event) {
			try {
				if (event.isResync()) {
					this.emitter.send(SseEmitter.event().name("resync").id(Long.toString(event.revision())).data("{}"));
				}
				else if (next(event.revision()) && !isSecret(event.path().toString())) {
					Map<String, @Nullable Object> data = new LinkedHashMap<>();
					data.put("path", event.path().toString());
					data.put("oldValue", withoutSecrets(event.prevValue()));
					data.put("newValue", withoutSecrets(event.newValue()));
					data.put("revision", event.revision());
					this.emitter.send(SseEmitter.event()
						.id(EventId.of(event.revision(), this.index))
						.data(data, MediaType.APPLICATION_JSON));
				}
			}
			catch (IOException | IllegalStateException ex) {
				// the client went away: stop watching
				cancel();
				return;
			}
			Flow.Subscription current = this.subscription;
			if (current != null) {
				current.request(1);
			}
		}

		/**
		 * Counts a change event in its commit: whether to send it (not already sent before the
		 * client reconnected). Secret paths count too, so the indexes are the same on every stream
		 * of the pattern.
		 */
		private boolean next(long eventRevision) {
			if (eventRevision == this.revision) {
				this.index++;
			}
			else {
				this.revision = eventRevision;
				this.index = 1;
			}
			return this.resume == null || !this.resume.alreadySent(eventRevision, this.index);
		}

		@Override
		public void onError(Throwable failure) {
			this.emitter.completeWithError(failure);
		}

		@Override
		public void onComplete() {
			this.emitter.complete();
		}

	}

}
