package io.statetree.core;

import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A lazy, memoised value computed from the state and never stored (DESIGN §16), made by
 * {@link StateController#computed}.
 * <pre class="code">
 * Computed&lt;Integer&gt; admins = c.computed(view -&gt; count(view.get("/users")));
 * admins.get();
 * admins.close();
 * </pre>
 * <p>
 * Nothing runs until the first {@link #get}. The function then runs once, reading one consistent
 * snapshot of the state (every path it reads is read at the same revision, so it never sees half
 * of a commit), and the paths it read are recorded. A later {@code get} returns the remembered
 * value until a commit changes one of those paths (the path, a path below it, or a write above it
 * that changes its value), or, for a lifetime it read ({@code timeToLive}), until a write restarts
 * or clears that lifetime, on a shared backend also another instance's; the {@code get} after that
 * runs the function again. The dependencies
 * are those of the last run only: a path it no longer reads stops mattering.
 * <p>
 * A {@code get} whose value is current costs a few volatile reads and no allocation; one whose
 * function read lifetimes on a shared backend (Redis) also asks that backend, once per lifetime,
 * whether another instance changed it. Concurrent
 * {@code get}s run the function at most once per change: one thread computes while the others
 * wait for its value. Thread-safe.
 * @param <T> the type of the value
 */
public interface Computed<T> extends AutoCloseable {

	/**
	 * Returns the value, computing it first when it was never computed or a path its last
	 * computation read has changed since.
	 * <p>
	 * Inside a batch (a {@code batch(...)} function, or a Spring transaction's batch once the
	 * transaction wrote) the function runs on every {@code get} and reads what the batch sees, its
	 * own writes and the values they derive included, like every other read there; its reads are
	 * checked at the batch's commit like the batch's own. That result is not remembered: the value
	 * remembered for the committed state stays, and is what a {@code get} returns after a rollback.
	 * @return the value the function returned (null when it returned null)
	 * @throws StateException wrapping what the function threw; nothing is remembered, so the
	 * next {@code get} runs the function again. Also when no computation could read one revision
	 * because commits kept the commit lock without completing (see the README, "Computed values")
	 * @throws StateStorageException if the value read lifetimes on a shared backend and that
	 * backend cannot be reached to check them
	 * @throws IllegalStateException if this value is closed, its controller is closed (when a
	 * computation is needed), or the function reads this value itself
	 */
	@Nullable T get();

	/**
	 * Returns the paths the last computation read (empty before the first one).
	 * @return an immutable set
	 */
	Set<StatePath> dependencies();

	/**
	 * Stops tracking changes: the remembered value and dependencies are released and every later
	 * {@link #get} throws {@link IllegalStateException}. Idempotent.
	 */
	@Override
	void close();

}
