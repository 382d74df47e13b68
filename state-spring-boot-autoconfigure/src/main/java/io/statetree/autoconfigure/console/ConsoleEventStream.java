package io.statetree.autoconfigure.console;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.statetree.actuate.StateTreeConsole;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * One browser's live stream of events: a subscriber of {@link StateController#watch(String, long)}
 * that sends each event the caller may see as a server-sent event, one at a time (demand 1, so a
 * slow browser holds the controller's bounded per-subscriber buffer, never a thread of the
 * controller: events are sent from the console's own sender threads).
 * <p>
 * Each event's id is {@code <revision>-<n>}: the {@code n}th event of that commit in this stream
 * (a commit may emit several events). A browser that reconnects sends the last id it got as
 * {@code Last-Event-ID}; the stream then replays from the history (DESIGN §11) after the commit
 * before that revision and skips the {@code n} events of it the browser already has, so nothing
 * is missed and nothing repeated. Events the caller may not read are counted but not sent, so the
 * numbering is the same in every stream of the pattern. When the id is ahead of the controller's
 * revision (the application restarted with an empty tree), the stream sends a {@code reset} event
 * and follows from the current revision. The first message tells the browser to reconnect after
 * {@value #RETRY_MILLIS} ms.
 */
final class ConsoleEventStream implements Flow.Subscriber<StateEvent> {

	/** How long the browser waits before reconnecting. */
	static final long RETRY_MILLIS = 500;

	/** How long one connection stays open before the browser is asked to reconnect (and resume). */
	static final long TIMEOUT_MILLIS = 10 * 60 * 1000;

	private final SseEmitter emitter = new SseEmitter(TIMEOUT_MILLIS);

	private final StateTreeConsole.EventView view;

	private final JsonMapper jsonMapper;

	private final Executor senders;

	private final Consumer<ConsoleEventStream> onEnd;

	/** Guarded by itself: events received, not yet sent. */
	private final ArrayDeque<StateEvent> queue = new ArrayDeque<>();

	/** Guarded by {@link #queue}: whether a sender thread is draining the queue. */
	private boolean draining;

	/** Guarded by {@link #queue}. */
	private boolean ended;

	private volatile Flow.@Nullable Subscription subscription;

	/** Only touched by the sender (one at a time): the commit being numbered. */
	private long revision;

	/** Only touched by the sender: how many events of {@link #revision} were numbered. */
	private int index;

	/** Only touched by the sender: events of {@link #revision} the browser already has. */
	private int skip;

	private ConsoleEventStream(StateTreeConsole.EventView view, JsonMapper jsonMapper, Executor senders,
			Consumer<ConsoleEventStream> onEnd, Position position) {
		this.view = view;
		this.jsonMapper = jsonMapper;
		this.senders = senders;
		this.onEnd = onEnd;
		this.revision = position.revision();
		this.index = 0;
		this.skip = position.seen();
		this.emitter.onCompletion(this::end);
		this.emitter.onTimeout(this::close);
		this.emitter.onError((ex) -> end());
	}

	/**
	 * Opens a stream.
	 * @throws io.statetree.core.InvalidPathException if the pattern is not a valid pattern
	 */
	static ConsoleEventStream open(StateController controller, String pattern, Position position,
			StateTreeConsole.EventView view, JsonMapper jsonMapper, Executor senders,
			Consumer<ConsoleEventStream> onEnd) throws IOException {
		Flow.Publisher<StateEvent> publisher;
		Position from = position;
		boolean reset = false;
		long current = controller.revision();
		if (from.revision() < 0) {
			from = new Position(current, 0);
		}
		else if (from.afterRevision() > current) {
			from = new Position(current, 0);
			reset = true;
		}
		publisher = controller.watch(pattern, from.afterRevision());
		ConsoleEventStream stream = new ConsoleEventStream(view, jsonMapper, senders, onEnd, from);
		stream.emitter.send(SseEmitter.event().reconnectTime(RETRY_MILLIS).comment("statetree"));
		if (reset) {
			stream.emitter.send(SseEmitter.event()
				.id(current + "-0")
				.name("reset")
				.data(Map.of("revision", current), MediaType.APPLICATION_JSON));
		}
		publisher.subscribe(stream);
		return stream;
	}

	SseEmitter emitter() {
		return this.emitter;
	}

	/** Ends the connection; the browser reconnects and resumes. */
	void close() {
		end();
		this.emitter.complete();
	}

	private void end() {
		synchronized (this.queue) {
			if (this.ended) {
				return;
			}
			this.ended = true;
			this.queue.clear();
		}
		Flow.Subscription current = this.subscription;
		if (current != null) {
			current.cancel();
		}
		this.onEnd.accept(this);
	}

	@Override
	public void onSubscribe(Flow.Subscription subscription) {
		boolean ended;
		synchronized (this.queue) {
			ended = this.ended;
		}
		this.subscription = subscription;
		if (ended) {
			subscription.cancel();
			return;
		}
		subscription.request(1);
	}

	@Override
	public void onNext(StateEvent event) {
		synchronized (this.queue) {
			if (this.ended) {
				return;
			}
			this.queue.add(event);
			if (this.draining) {
				return;
			}
			this.draining = true;
		}
		try {
			this.senders.execute(this::drain);
		}
		catch (RejectedExecutionException ex) {
			close();
		}
	}

	@Override
	public void onError(Throwable failure) {
		// Fell behind (its buffer overflowed): the browser reconnects and resumes from the history.
		close();
	}

	@Override
	public void onComplete() {
		close();
	}

	private void drain() {
		while (true) {
			StateEvent event;
			synchronized (this.queue) {
				event = this.queue.poll();
				if (event == null || this.ended) {
					this.draining = false;
					return;
				}
			}
			if (!send(event)) {
				close();
				return;
			}
			Flow.Subscription current = this.subscription;
			if (current != null) {
				current.request(1);
			}
		}
	}

	/** Sends one event; {@code false} when the connection is gone. */
	private boolean send(StateEvent event) {
		if (event.revision() != this.revision) {
			this.revision = event.revision();
			this.index = 0;
			this.skip = 0;
		}
		this.index++;
		if (this.index <= this.skip) {
			return true;
		}
		Map<String, Object> shown;
		try {
			shown = this.view.show(event);
		}
		catch (RuntimeException ex) {
			// A value that cannot be shown (a read failed): say so without the value.
			shown = Map.of("revision", event.revision(), "path", event.path().toString(), "kind", "unreadable");
		}
		if (shown == null) {
			return true;
		}
		try {
			this.emitter.send(SseEmitter.event()
				.id(this.revision + "-" + this.index)
				.name("resync".equals(shown.get("kind")) ? "resync" : "change")
				.data(this.jsonMapper.writeValueAsString(shown)));
			return true;
		}
		catch (IOException | IllegalStateException ex) {
			return false;
		}
	}

	/**
	 * Where a stream starts: after a revision, skipping the events of the next one the browser
	 * already has.
	 * @param revision the revision of the last event the browser got (or the revision it has
	 * read up to)
	 * @param seen how many events of {@code revision} it got; 0 when it has all of them
	 */
	record Position(long revision, int seen) {

		private static final Pattern ID = Pattern.compile("(\\d{1,18})(?:-(\\d{1,9}))?");

		/**
		 * Parses {@code after} or a {@code Last-Event-ID}: {@code <revision>} (every event of it
		 * seen) or {@code <revision>-<n>} ({@code n} of its events seen).
		 * @return the position, {@code null} when the text is neither; revision -1 (follow from
		 * the current revision) when it is absent
		 */
		static @Nullable Position parse(@Nullable String text) {
			if (text == null || text.isBlank()) {
				return new Position(-1, 0);
			}
			Matcher matcher = ID.matcher(text.strip());
			if (!matcher.matches()) {
				return null;
			}
			long revision = Long.parseLong(matcher.group(1));
			int seen = (matcher.group(2) != null) ? Integer.parseInt(matcher.group(2)) : 0;
			return (seen > 0 && revision < 1) ? null : new Position(revision, seen);
		}

		/** The revision to replay after. */
		long afterRevision() {
			return (this.seen > 0) ? this.revision - 1 : this.revision;
		}

	}

}
