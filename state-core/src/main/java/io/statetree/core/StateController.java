package io.statetree.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;

/**
 * The entry point to StateTree: reads and writes JSON-like values at slash paths, delivers
 * change events to listeners, and keeps derived values current.
 * <p>
 * Values are immutable: reads return unmodifiable, insertion-ordered {@code Map}s and
 * {@code List}s, or scalars ({@code String}, numbers, {@code Boolean}). Writing {@code null}
 * deletes; an absent path reads as {@code null}; the root is always a branch. Every method that
 * takes a path as a {@code String} has a {@link StatePath} overload; the {@code String} ones are
 * default methods that parse the path with {@link StatePath#of} (throwing
 * {@link InvalidPathException} for an invalid one) and call the {@code StatePath} ones. Patterns
 * ({@code subscribe}, {@code watch}) are not paths and are given as {@code String}s.
 * <p>
 * Thread-safe. Close the controller to release its backend.
 */
public interface StateController extends StateView, AutoCloseable {

	/**
	 * Creates a controller over a new {@link InMemoryBackend}.
	 * @return the controller
	 */
	static StateController create() {
		return builder().build();
	}

	/**
	 * Creates a controller over a backend.
	 * @param backend where the state lives
	 * @return the controller
	 */
	static StateController create(StateBackend backend) {
		return builder().backend(backend).build();
	}

	/**
	 * Returns a builder.
	 * @return a new builder
	 */
	static StateControllerBuilder builder() {
		return new StateControllerBuilder();
	}

	// ---- reads ----

	/** Same as {@link #get(StatePath, Class, Object)}, the path parsed with {@link StatePath#of}. */
	default <T> T get(String path, Class<T> type, T defaultValue) {
		return get(StatePath.of(path), type, defaultValue);
	}

	/**
	 * Reads a value converted to a type, or a default when absent.
	 * @param path the path
	 * @param type the type
	 * @param defaultValue returned when the path is absent
	 * @param <T> the type
	 * @return the value or the default
	 */
	<T> T get(StatePath path, Class<T> type, T defaultValue);

	/** Same as {@link #childNames(StatePath)}, the path parsed with {@link StatePath#of}. */
	default List<String> childNames(String path) {
		return childNames(StatePath.of(path));
	}

	/**
	 * Lists the names of a branch's children, in the branch's order, without reading their values:
	 * on files it lists a directory instead of parsing every file below it, so it keeps answering
	 * when a file below is unparsable. Inside a batch it sees the batch's own writes.
	 * @param path the path
	 * @return an unmodifiable list, empty for a leaf or an absent path
	 * @throws InvalidPathException if the path is not valid
	 */
	List<String> childNames(StatePath path);

	/** Same as {@link #getOrWrite(StatePath, Class, Object)}, the path parsed with {@link StatePath#of}. */
	default <T> T getOrWrite(String path, Class<T> type, T defaultValue) {
		return getOrWrite(StatePath.of(path), type, defaultValue);
	}

	/**
	 * Reads a value, writing a default first when it is absent (atomically).
	 * @param path the path
	 * @param type the type
	 * @param defaultValue written and returned when the path is absent
	 * @param <T> the type
	 * @return the existing value or the default
	 */
	<T> T getOrWrite(StatePath path, Class<T> type, T defaultValue);

	// ---- writes ----

	/** Same as {@link #set(StatePath, Object)}, the path parsed with {@link StatePath#of}. */
	default boolean set(String path, @Nullable Object value) {
		return set(StatePath.of(path), value);
	}

	/**
	 * Writes a value. An object becomes a branch whose fields are child paths; {@code null}
	 * deletes. An equal value writes nothing and notifies no one.
	 * @param path the path
	 * @param value any value Jackson can map, or {@code null}
	 * @return whether the state changed
	 * @throws StateWriteException when writing below a leaf, or a non-object at the root
	 * @throws StateValueException when Jackson cannot map the value; nothing is written
	 */
	boolean set(StatePath path, @Nullable Object value);

	/** Same as {@link #set(StatePath, Object, WriteOptions)}, the path parsed with {@link StatePath#of}. */
	default boolean set(String path, @Nullable Object value, WriteOptions options) {
		return set(StatePath.of(path), value, options);
	}

	/**
	 * Writes a value with options.
	 * @param path the path
	 * @param value the value, or {@code null}
	 * @param options payload and equality
	 * @return whether the state changed
	 */
	boolean set(StatePath path, @Nullable Object value, WriteOptions options);

	/** Same as {@link #timeToLive(StatePath)}, the path parsed with {@link StatePath#of}. */
	default @Nullable Duration timeToLive(String path) {
		return timeToLive(StatePath.of(path));
	}

	/**
	 * Returns how long the value at a path has left to live (DESIGN §12): the earliest due time
	 * among a time to live written at the path and those of its ancestors (a time to live on a
	 * branch covers its subtree). Thread-safe.
	 * @param path the path
	 * @return the remaining duration, or {@code null} when no time to live covers the path, it is
	 * absent, or it is already due; an {@linkplain WriteOptions#ephemeral() ephemeral} value has none
	 * @throws StateStorageException if the storage cannot be read
	 */
	@Nullable Duration timeToLive(StatePath path);

	/**
	 * Writes several paths in one atomic commit (DESIGN §15, a multi-path update): {@code null}
	 * deletes, each changed path is heard once, derivations run once. Everything is checked before
	 * anything is written; paths where one lies inside another must agree ({@code /a → {b: 1}}
	 * with {@code /a/b → 1}). Inside a batch the writes join it. Thread-safe.
	 * @param writes paths (as {@link StatePath#of} parses them) to values, iterated once
	 * @return whether the state changed
	 * @throws io.statetree.core.InvalidPathException when a path is not valid; nothing is written
	 * @throws StateValueException when Jackson cannot map a value; nothing is written
	 * @throws StateWriteException when a write runs under a leaf (stored, or written by the same
	 * call), two paths disagree, or a non-object is written at the root; nothing is written
	 */
	boolean setAll(java.util.Map<String, ?> writes);

	/**
	 * The asynchronous face of this controller (DESIGN §15): the same reads and writes, answered
	 * with {@code CompletableFuture}s. Thread-safe; the same object on every call.
	 * @return the asynchronous controller
	 */
	AsyncStateController async();

	/** Same as {@link #delete(StatePath)}, the path parsed with {@link StatePath#of}. */
	default boolean delete(String path) {
		return delete(StatePath.of(path));
	}

	/**
	 * Deletes a value and everything below it. Deleting the root empties the tree.
	 * @param path the path
	 * @return whether anything was deleted
	 */
	boolean delete(StatePath path);

	/** Same as {@link #update(StatePath, Class, UnaryOperator)}, the path parsed with {@link StatePath#of}. */
	default <T> @Nullable T update(String path, Class<T> type, UnaryOperator<@Nullable T> function) {
		return update(StatePath.of(path), type, function);
	}

	/**
	 * Atomically reads, transforms and writes a value. On a shared backend the update is atomic
	 * across instances (compare-and-set, retried). The function may run more than once.
	 * @param path the path
	 * @param type the type the current value is converted to
	 * @param function receives the current value ({@code null} when absent), returns the new one
	 * ({@code null} deletes)
	 * @param <T> the type
	 * @return the new value
	 */
	<T> @Nullable T update(StatePath path, Class<T> type, UnaryOperator<@Nullable T> function);

	/** Same as {@link #ping(StatePath)}, the path parsed with {@link StatePath#of}. */
	default void ping(String path) {
		ping(StatePath.of(path));
	}

	/** Same as {@link #ping(StatePath, Object)}, the path parsed with {@link StatePath#of}. */
	default void ping(String path, @Nullable Object payload) {
		ping(StatePath.of(path), payload);
	}

	/**
	 * Notifies listeners as if the value at a path changed, writing nothing.
	 * @param path the path
	 */
	void ping(StatePath path);

	/**
	 * Notifies listeners as if the value at a path changed, with a payload, writing nothing.
	 * @param path the path
	 * @param payload the payload
	 */
	void ping(StatePath path, @Nullable Object payload);

	/**
	 * Runs writes as one atomic, serialisable commit. Reads inside see the batch's own writes, and
	 * derived values read inside agree with them; an exception applies nothing and propagates;
	 * nested batches join the outer one.
	 * <p>
	 * The batch remembers every path it read from the stored state ({@code get}, typed {@code get},
	 * {@code exists}, {@code update}, {@code getOrWrite}, derived values included; reads answered
	 * wholly by its own writes are not checked). It commits only if each still holds the value it
	 * read, checked atomically with the writes (on Redis across instances); a read of a branch
	 * conflicts with any change below it, and a read of an absent path with its creation.
	 * Otherwise {@code writes} runs again on fresh state, up to 100 times in all. A batch that
	 * writes nothing commits nothing; its reads were one state of the tree. So {@code update}, or
	 * {@code get} then {@code set}, inside a batch never loses a concurrent write.
	 * <p>
	 * Because the function may run several times, keep it free of side effects other than state
	 * writes. Its first run is optimistic (other writers go on meanwhile); a run after a conflict
	 * holds this controller's commit lock, as {@code update}'s function does, so writers on this
	 * controller cannot starve it (only other instances still can): such a function must not wait
	 * for another thread's write through this controller. Thread-safe: batches on different
	 * threads are independent; a batch belongs to the thread that opened it.
	 * @param writes the writes
	 * @throws StateException if the values the batch read kept changing through 100 runs; nothing
	 * was written
	 * @throws StateWriteException if a write is not allowed (below a leaf); nothing was written
	 */
	void batch(Runnable writes);

	/**
	 * Runs writes as one atomic, serialisable commit and returns a result, as
	 * {@link #batch(Runnable)} does: {@code writes} may run several times, and the result of the
	 * run that committed is returned.
	 * @param writes the writes
	 * @param <R> the result type
	 * @return what {@code writes} returned in the run that committed
	 * @throws StateException if the values the batch read kept changing through 100 runs; nothing
	 * was written
	 * @throws StateWriteException if a write is not allowed (below a leaf); nothing was written
	 */
	<R> R batch(Supplier<R> writes);

	/**
	 * Returns the revision of the last commit. Inside a batch too: the batch's writes have no
	 * revision until it commits (then the next one).
	 * @return the revision; 0 before the first commit
	 */
	long revision();

	// ---- events ----

	/**
	 * Subscribes a listener to a pattern. Subscribing the same listener to the same pattern twice
	 * delivers once.
	 * @param pattern the pattern, see {@link PathPattern}
	 * @param listener the listener
	 * @return a handle whose {@code close()} unsubscribes
	 */
	Subscription subscribe(String pattern, StateListener listener);

	/**
	 * Subscribes a listener to a pattern with options. With {@link SubscribeOptions#group(String)}
	 * the listener is a member of a durable group listener (DESIGN §13): each event the ordinary
	 * rules deliver to the pattern is handled by exactly one member of the group among all
	 * instances sharing the backend, and acknowledged when the listener returns; a listener that
	 * throws is retried with doubling back-off and, after the last attempt, the event is parked as a
	 * {@link DeadLetter}; events of one key (the pattern's captured variables, else the emitting
	 * path) are handled one at a time, in revision order. A new group starts at the current
	 * revision. On the memory backend pending events are lost with the process; on the filesystem
	 * they are redelivered after a restart; on Redis a member that stops takes no work with it.
	 * Closing the subscription leaves the group (its pending work goes to other members).
	 * @param pattern the pattern, see {@link PathPattern}
	 * @param listener the listener; for a group, called on the group's own threads
	 * @param options the options
	 * @return a handle whose {@code close()} unsubscribes
	 * @throws UnsupportedOperationException when the backend cannot give a group's guarantee
	 * (say, a backend shared between instances that keeps no group progress)
	 */
	Subscription subscribe(String pattern, StateListener listener, SubscribeOptions options);

	/**
	 * Lists the dead letters of a group, oldest first (DESIGN §13).
	 * @param group the group's name
	 * @return the dead letters; empty for an unknown group
	 * @throws IllegalArgumentException when the name is not a valid group name
	 * @throws StateStorageException when the backend cannot be reached
	 * @throws IllegalStateException when the controller is closed
	 */
	List<DeadLetter> deadLetters(String group);

	/**
	 * Lists the durable group listeners known to the backend, with their members, pending work
	 * and dead letters (for operators: the actuator).
	 * @return the groups, by name
	 * @throws StateStorageException when the backend cannot be reached
	 */
	List<GroupStatus> groups();

	/**
	 * Unsubscribes a listener from a pattern.
	 * @param pattern the pattern
	 * @param listener the listener
	 * @return whether it was subscribed
	 */
	boolean unsubscribe(String pattern, StateListener listener);

	/**
	 * Registers a listener under a generated id, so it can be subscribed by id. Registering the
	 * same listener again returns its existing id.
	 * @param listener the listener
	 * @return the id
	 */
	String registerCallback(StateListener listener);

	/**
	 * Registers a listener under a chosen id.
	 * @param listener the listener
	 * @param id the id
	 * @param replace whether to replace a different listener registered under that id
	 * @return the id
	 * @throws IllegalStateException if the id is taken by a different listener and
	 * {@code replace} is {@code false}
	 */
	String registerCallback(StateListener listener, String id, boolean replace);

	/**
	 * Forgets a registered callback and all its subscriptions.
	 * @param id the id
	 * @return whether it was registered
	 */
	boolean unregisterCallback(String id);

	/**
	 * Subscribes a registered callback to a pattern.
	 * @param pattern the pattern
	 * @param id the callback's id
	 * @return a handle whose {@code close()} unsubscribes
	 * @throws IllegalArgumentException if no callback has that id
	 */
	Subscription subscribeById(String pattern, String id);

	/**
	 * Unsubscribes a registered callback from a pattern.
	 * @param pattern the pattern
	 * @param id the callback's id
	 * @return whether it was subscribed
	 */
	boolean unsubscribeById(String pattern, String id);

	/**
	 * Publishes the events of a pattern to reactive subscribers, honouring their demand. Events
	 * beyond the demand are buffered per subscriber (bounded; on overflow the subscriber gets
	 * {@code onError}). When the controller closes, each subscriber gets what is buffered for it
	 * while its demand allows, then {@code onComplete}; subscribing after the close completes at
	 * once. When the live path loses track of commits (a shared backend's change feed fell
	 * behind, or the subscriber's listener queue overflowed), the subscriber gets one resync
	 * event ({@link StateEvent#isResync()}) at the pattern's longest concrete prefix carrying the
	 * value there now and the store's revision of that read, above every revision it got before,
	 * and then only events after that revision; {@link #watch(String, long)} first reads the lost
	 * commits from the history and resyncs only if it no longer holds them.
	 * @param pattern the pattern, see {@link PathPattern}
	 * @return a publisher; each subscriber gets its own subscription
	 * @throws InvalidPathException if the pattern is not a valid pattern
	 * @throws IllegalStateException if the controller is closed
	 */
	Flow.Publisher<StateEvent> watch(String pattern);


	/**
	 * Replays, then follows (DESIGN §11): publishes, in revision order, the events the pattern's
	 * subscription would have received for every retained commit after {@code afterRevision},
	 * then the live ones, with nothing missed or repeated at the seam. When the history no longer
	 * reaches back to {@code afterRevision}, the first event is one resync event
	 * ({@link StateEvent#isResync()}) at the pattern's longest concrete prefix carrying the value
	 * there now, followed by live events. Replayed events carry no payload.
	 * <p>
	 * Demand is honoured while replaying: the history is read page by page as requested, so a
	 * replaying subscriber with no demand costs little: no history is read for it, and of the live
	 * events at most the subscriber's bounded buffer is held; beyond that they are dropped, not
	 * queued, and it catches up from the history when it requests, or gets one resync event if
	 * the history has meanwhile moved past what it saw. (Once caught up it follows live like
	 * {@link #watch(String)}, and overflowing its buffer then is {@code onError}.) When the
	 * controller closes, the subscriber gets what is already read or buffered for it while its
	 * demand allows, then {@code onComplete}; subscribing after the close completes at once.
	 * @param pattern the pattern, see {@link PathPattern}
	 * @param afterRevision the revision the subscriber has seen (e.g. {@link Versioned#revision()}
	 * of a {@code getVersioned}); {@code 0} replays every commit when the history still holds
	 * them all, and otherwise (commits after 0 are no longer retained) starts with a resync
	 * @return a publisher; each subscriber gets its own replay and subscription
	 * @throws IllegalArgumentException if {@code afterRevision} is negative or ahead of the
	 * current revision
	 * @throws InvalidPathException if the pattern is not a valid pattern
	 * @throws IllegalStateException if the controller is closed
	 */
	Flow.Publisher<StateEvent> watch(String pattern, long afterRevision);

	// ---- history and snapshots (DESIGN §11) ----

	/** Same as {@link #getVersioned(StatePath)}. @param path the path @return the value and its revision */
	default Versioned<@Nullable Object> getVersioned(String path) {
		return getVersioned(StatePath.of(path));
	}

	/**
	 * Reads a value (as {@link #get(StatePath)} does) together with the revision it reflects,
	 * both from one consistent snapshot of the committed tree (inside a batch, not the batch's own
	 * writes). Thread-safe; on Redis one round trip.
	 * @param path the path
	 * @return the value ({@code null} when absent) and the revision of the whole store at the
	 * read: the newest commit anywhere in the tree (on Redis, in the namespace, other instances'
	 * included), not the last commit that changed this path; pass it to
	 * {@link #watch(String, long)} to follow on from the read
	 * @throws IllegalStateException if the controller is closed
	 */
	Versioned<@Nullable Object> getVersioned(StatePath path);

	/**
	 * Same as {@link #getVersioned(StatePath, Class)}.
	 * @param path the path
	 * @param type the type
	 * @param <T> the type
	 * @return the value and its revision
	 */
	default <T> Versioned<@Nullable T> getVersioned(String path, Class<T> type) {
		return getVersioned(StatePath.of(path), type);
	}

	/**
	 * Reads a value converted to a type, with the revision it reflects.
	 * @param path the path
	 * @param type the type, converted with the controller's {@code JsonMapper}
	 * @param <T> the type
	 * @return the converted value ({@code null} when absent) and the revision of the whole store at
	 * the read, as {@link #getVersioned(StatePath)} gives it
	 * @throws StateValueException if the value cannot be converted
	 */
	<T> Versioned<@Nullable T> getVersioned(StatePath path, Class<T> type);

	/**
	 * Same as {@link #getVersioned(StatePath, TypeRef)}.
	 * @param path the path
	 * @param type the type
	 * @param <T> the type
	 * @return the value and its revision
	 */
	default <T> Versioned<@Nullable T> getVersioned(String path, TypeRef<T> type) {
		return getVersioned(StatePath.of(path), type);
	}

	/**
	 * Reads a value converted to a generic type, with the revision it reflects.
	 * @param path the path
	 * @param type the type
	 * @param <T> the type
	 * @return the converted value ({@code null} when absent) and the revision of the whole store at
	 * the read, as {@link #getVersioned(StatePath)} gives it
	 * @throws StateValueException if the value cannot be converted
	 */
	<T> Versioned<@Nullable T> getVersioned(StatePath path, TypeRef<T> type);

	/**
	 * Returns retained commits after a revision, oldest first: memory keeps the last
	 * {@code historySize} commits (default 1,000), the filesystem backend the same number in a
	 * log that survives restarts (directly or behind a write-through cache; behind a hybrid, with
	 * mounts, the history is kept in memory), Redis what its change stream holds. Commits that
	 * changed nothing are not in the history. Inside a batch it holds committed commits only.
	 * @param afterRevision the revision to read after, {@code 0} for the oldest retained
	 * @param limit the most commits to return, 1 to 10,000
	 * @return the commits, oldest first; empty when none is retained after that revision
	 * @throws IllegalArgumentException if {@code afterRevision} is negative or {@code limit} is
	 * outside 1–10,000
	 * @throws IllegalStateException if the controller is closed
	 */
	List<Commit> history(long afterRevision, int limit);

	/** Same as {@link #snapshot(StatePath)}. @param path the path @return the snapshot */
	default StateSnapshot snapshot(String path) {
		return snapshot(StatePath.of(path));
	}

	/**
	 * Takes a snapshot of a subtree: its path, value and revision, from one consistent read.
	 * @param path the subtree's path ({@code /} for everything)
	 * @return the snapshot; its JSON form is {@code {"path": ..., "revision": ..., "value": ...}}
	 * @throws IllegalStateException if the controller is closed
	 */
	StateSnapshot snapshot(StatePath path);

	/**
	 * Restores a snapshot: one commit that replaces the subtree at its path with its value
	 * (listeners hear it as one write of that path; a {@code null} value deletes the path).
	 * @param snapshot the snapshot
	 * @return the revision of the commit, or, when the tree already held the value, the store's
	 * current revision (on a shared backend it counts other instances' commits this controller has
	 * not heard yet; no revision is taken then); inside a batch the write joins the batch, and the
	 * revision before it is returned
	 * @throws StateWriteException if the value cannot be written there (below a leaf, a non-object
	 * at {@code /}); nothing is written then
	 * @throws StateValueException if the value is not a JSON-like value
	 * @throws IllegalStateException if the controller is closed
	 */
	long restore(StateSnapshot snapshot);

	/** Same as {@link #increment(StatePath, long)}. @param path the path @param delta what to add @return the new value */
	default long increment(String path, long delta) {
		return increment(StatePath.of(path), delta);
	}

	/**
	 * Adds to an integer counter atomically (DESIGN §19); an absent value counts as 0. On Redis
	 * one script call, atomic across instances. Listeners hear it as a write of the path. The sum
	 * is stored as {@code set(path, sum)} stores it (an {@code Integer} when it fits, else a
	 * {@code Long}), on every backend.
	 * @param path the counter's path
	 * @param delta what to add, may be negative or 0
	 * @return the value after the addition
	 * @throws StateWriteException if the value there is not an integer (a decimal, a string, a
	 * branch), the sum overflows a {@code long}, or the path is below a leaf; nothing is written
	 * @throws IllegalStateException if the controller is closed
	 */
	long increment(StatePath path, long delta);

	// ---- derived state ----
	//
	// Rules shared by derive, deriveMany and deriveTracked: the value is computed once at
	// registration and then inside every commit that changes a source, before listeners run, so
	// its write joins that commit. A transform that throws is logged with its destination and
	// counted; the destination keeps its last value (none, if the first computation failed: the
	// derivation stays registered and writes on the next change). Registering a destination that
	// is already derived replaces the earlier derivation (a warning is logged); a destination
	// inside or above another derivation's destination is refused with IllegalStateException.

	/** Same as {@link #derive(StatePath, StatePath, Function)}, the path parsed with {@link StatePath#of}. */
	default Derivation derive(String destination, String source,
			Function<@Nullable Object, @Nullable Object> transform) {
		return derive(StatePath.of(destination), StatePath.of(source), transform);
	}

	/**
	 * Keeps a destination equal to a function of one source's (untyped) value. The transform runs
	 * at registration and inside every commit that changes the source (the source itself, a path
	 * below it, or a write above it that changes it); its write joins that commit, so no listener
	 * ever sees the destination disagree with the source. If it throws, the failure is logged and
	 * counted and the destination keeps its last value (or stays absent when the first
	 * computation failed); the derivation stays registered.
	 * @param destination the path written
	 * @param source the path read
	 * @param transform receives the source's immutable value ({@code null} when absent)
	 * @return a handle whose {@code close()} stops the derivation
	 * @throws DerivationCycleException if the destination feeds its own source
	 */
	Derivation derive(StatePath destination, StatePath source, Function<@Nullable Object, @Nullable Object> transform);

	/** Same as {@link #derive(StatePath, StatePath, Class, Function)}, the path parsed with {@link StatePath#of}. */
	default <S> Derivation derive(String destination, String source, Class<S> type,
			Function<@Nullable S, @Nullable Object> transform) {
		return derive(StatePath.of(destination), StatePath.of(source), type, transform);
	}

	/**
	 * Keeps a destination equal to a function of one source converted to a type.
	 * @param destination the path written
	 * @param source the path read
	 * @param type the source's type
	 * @param transform receives the converted source value
	 * @param <S> the source type
	 * @return a handle
	 */
	<S> Derivation derive(StatePath destination, StatePath source, Class<S> type,
			Function<@Nullable S, @Nullable Object> transform);

	/** Same as {@link #derive(StatePath, StatePath, TypeRef, Function)}, the path parsed with {@link StatePath#of}. */
	default <S> Derivation derive(String destination, String source, TypeRef<S> type,
			Function<@Nullable S, @Nullable Object> transform) {
		return derive(StatePath.of(destination), StatePath.of(source), type, transform);
	}

	/**
	 * Keeps a destination equal to a function of one source converted to a generic type.
	 * @param destination the path written
	 * @param source the path read
	 * @param type the source's type token
	 * @param transform receives the converted source value
	 * @param <S> the source type
	 * @return a handle
	 */
	<S> Derivation derive(StatePath destination, StatePath source, TypeRef<S> type,
			Function<@Nullable S, @Nullable Object> transform);

	/**
	 * Keeps a destination equal to a function of several sources.
	 * @param destination the path written
	 * @param sources the paths read
	 * @param transform receives the sources' values
	 * @return a handle
	 */
	default Derivation deriveMany(String destination, List<String> sources,
			Function<DeriveData, @Nullable Object> transform) {
		StatePath to = StatePath.of(destination);
		List<StatePath> from = new ArrayList<>(sources.size());
		for (String source : sources) {
			from.add(StatePath.of(source));
		}
		return deriveMany(to, from, transform);
	}

	/**
	 * Keeps a destination equal to a function of several sources.
	 * @param destination the path written
	 * @param sources the paths read (a path given twice is read once)
	 * @param transform receives the sources' values
	 * @return a handle
	 * @throws IllegalArgumentException if {@code sources} is empty
	 */
	Derivation deriveMany(StatePath destination, List<StatePath> sources, Function<DeriveData, @Nullable Object> transform);

	/** Same as {@link #deriveTracked(StatePath, Function)}, the path parsed with {@link StatePath#of}. */
	default Derivation deriveTracked(String destination, Function<StateView, @Nullable Object> transform) {
		return deriveTracked(StatePath.of(destination), transform);
	}

	/**
	 * Keeps a destination equal to a function whose dependencies are the paths it reads through
	 * the {@link StateView} it receives; they are recorded on every run.
	 * @param destination the path written
	 * @param transform reads through the view
	 * @return a handle
	 */
	Derivation deriveTracked(StatePath destination, Function<StateView, @Nullable Object> transform);

	// With WriteOptions (DESIGN §16): only an equality may be set; when it holds between the stored
	// value and the value the transform returned, the derivation writes nothing (no change in its
	// commit, no event). Options with a payload, an actor, a time to live or ephemeral are refused
	// with IllegalArgumentException. The equality may throw: the failure counts as the transform's.

	/** Same as {@link #derive(StatePath, StatePath, Function, WriteOptions)}, the paths parsed with {@link StatePath#of}. */
	default Derivation derive(String destination, String source, Function<@Nullable Object, @Nullable Object> transform,
			WriteOptions options) {
		return derive(StatePath.of(destination), StatePath.of(source), transform, options);
	}

	/** Same as {@link #deriveMany(StatePath, List, Function, WriteOptions)}, the paths parsed with {@link StatePath#of}. */
	default Derivation deriveMany(String destination, List<String> sources,
			Function<DeriveData, @Nullable Object> transform, WriteOptions options) {
		List<StatePath> from = new ArrayList<>(sources.size());
		for (String source : sources) {
			from.add(StatePath.of(source));
		}
		return deriveMany(StatePath.of(destination), from, transform, options);
	}

	/** Same as {@link #deriveTracked(StatePath, Function, WriteOptions)}, the path parsed with {@link StatePath#of}. */
	default Derivation deriveTracked(String destination, Function<StateView, @Nullable Object> transform,
			WriteOptions options) {
		return deriveTracked(StatePath.of(destination), transform, options);
	}

	/** Same as {@link #derive(StatePath, StatePath, Function)}, with an equality from the options. */
	Derivation derive(StatePath destination, StatePath source, Function<@Nullable Object, @Nullable Object> transform,
			WriteOptions options);

	/** Same as {@link #deriveMany(StatePath, List, Function)}, with an equality from the options. */
	Derivation deriveMany(StatePath destination, List<StatePath> sources, Function<DeriveData, @Nullable Object> transform,
			WriteOptions options);

	/** Same as {@link #deriveTracked(StatePath, Function)}, with an equality from the options. */
	Derivation deriveTracked(StatePath destination, Function<StateView, @Nullable Object> transform,
			WriteOptions options);

	/**
	 * Returns a lazy, memoised value computed from the state and never stored (DESIGN §16): see
	 * {@link Computed}. Nothing runs now; the first {@link Computed#get} runs the function over one
	 * consistent snapshot and records the paths it read (through the view, or through this
	 * controller's reads on the same thread).
	 * @param function reads through the view and returns the value; it should not write
	 * @param <T> the type of the value
	 * @return the value's handle, open until closed
	 * @throws IllegalStateException if the controller is closed
	 */
	<T> Computed<T> computed(Function<StateView, T> function);

	/**
	 * Runs an effect now and again whenever a path it read (through {@link StateEvent#get} or
	 * this controller's reads) on its last run changes. Dependencies are recorded on every run.
	 * <p>
	 * Each run reads one snapshot: the state when the run started, plus the run's own writes.
	 * A path read by a run that then changes in a later commit (by any thread, by the effect
	 * itself, or on Redis by another instance) makes the effect run again, once per set of
	 * changes it has not seen, in revision order; commits a run already saw never run it again.
	 * A {@code set} or {@code delete} a run makes after another writer changed a path the run
	 * had read is not committed (it returns {@code false}): it was computed from a value that is
	 * gone and would overwrite that writer; the run after it decides again on the new values.
	 * Runs of one effect never overlap: a commit delivered while it runs is checked when the
	 * run ends. More than 1,000 runs in a row are stopped and logged. A run that throws is
	 * logged (without quoting state values) and counted; the effect stays registered.
	 * @param effect the effect; on the first run its event is for {@code /} with no values
	 * @return a handle whose {@code close()} stops it
	 */
	Effect track(StateListener effect);

	/**
	 * Returns the id of this instance, set as {@link StateEvent#origin()} of its writes.
	 * @return the instance id
	 */
	String instanceId();

	/**
	 * Returns the backend.
	 * @return the backend
	 */
	StateBackend backend();

	/**
	 * Returns what is registered: listeners and derivations, for inspection.
	 * @return a snapshot
	 */
	Registrations registrations();

	/**
	 * Flushes pending writes, stops feeds and closes the backend. Idempotent.
	 */
	@Override
	void close();

	/**
	 * What is registered on a controller, for inspection (actuator endpoints).
	 * @param listeners every subscription
	 * @param derivations every derivation
	 */
	record Registrations(List<ListenerInfo> listeners, List<DerivationInfo> derivations) {
	}

	/**
	 * One durable group listener, for inspection.
	 * @param group the group's name
	 * @param members the members' ids ({@code instanceId/listenerId}) alive now
	 * @param pending the commits after the group's slowest partition's acknowledged revision,
	 * not yet handled
	 * @param deadLetters the number of dead letters
	 * @param pattern the group's pattern (every member subscribes with it)
	 */
	record GroupStatus(String group, List<String> members, long pending, int deadLetters, String pattern) {

		/**
		 * A status without the pattern (an empty one).
		 * @param group the group's name
		 * @param members the members' ids alive now
		 * @param pending the commits not yet handled
		 * @param deadLetters the number of dead letters
		 */
		public GroupStatus(String group, List<String> members, long pending, int deadLetters) {
			this(group, members, pending, deadLetters, "");
		}

	}

	/**
	 * One subscription.
	 * @param pattern the pattern
	 * @param id the callback's id
	 * @param description what the listener is (e.g. a bean method)
	 */
	record ListenerInfo(String pattern, String id, String description) {
	}

	/**
	 * One derivation.
	 * @param destination the path written
	 * @param sources the paths read (the last run's for a tracked one)
	 * @param tracked whether the sources are tracked rather than declared
	 */
	record DerivationInfo(String destination, List<String> sources, boolean tracked) {
	}

	/**
	 * How listeners are called.
	 */
	enum Dispatch {

		/**
		 * On the writing thread, after the commit, outside every lock. Each listener has its own
		 * queue: the writer delivers its own commit to the listeners it reaches (after their
		 * earlier events), and never waits for a listener its commit does not reach.
		 */
		SYNC,

		/**
		 * On an executor: each listener's queue is delivered by its own task, one event after
		 * another, so a slow listener delays only itself.
		 */
		ASYNC

	}

	/**
	 * What happens when a listener throws.
	 */
	enum OnError {

		/** Log it with the listener id and path, count it, go on. */
		LOG,

		/** Log and count it, run the other listeners, then rethrow the first failure (for tests). */
		RETHROW

	}

}
