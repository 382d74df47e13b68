package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import io.statetree.core.ControllerObserver;
import io.statetree.core.DeriveData;
import io.statetree.core.DerivationCycleException;
import io.statetree.core.StateController.DerivationInfo;
import io.statetree.core.StatePath;
import io.statetree.core.StateView;
import io.statetree.core.TypeRef;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Derived state (DESIGN §6): the registered derivations in topological order (a destination
 * comes before every derivation that reads it), overlap and cycle checks at registration, and
 * the recompute inside a commit: every derivation whose sources the commit's writes change runs
 * once, in order, over the commit's {@link TxView}, and its write joins the commit (glitch-free).
 * The order is replaced under the controller's commit lock and read without it.
 */
final class DerivationGraph {

	/** The controller's log category, where these lines have always been. */
	private static final Logger logger = LoggerFactory.getLogger(DefaultStateController.class);

	/** Marks "read, and absent" in the cache of source values before the commit. */
	private static final Object NONE = new Object();

	private final StateBackend backend;

	private final ValueConverter converter;

	private final GuardedObserver guard;

	/** The controller's commit lock, under which the order is replaced. */
	private final ReentrantLock commitLock;

	/** Derivations in topological order; replaced under the commit lock. */
	private volatile List<DerivationImpl> derivations = List.of();

	/** The sources of the order last run, indexed; built again when it no longer matches. */
	private volatile @Nullable SourceIndex index;

	DerivationGraph(StateBackend backend, ValueConverter converter, GuardedObserver guard, ReentrantLock commitLock) {
		this.backend = backend;
		this.converter = converter;
		this.guard = guard;
		this.commitLock = commitLock;
	}

	/** The derivations in topological order (an immutable snapshot). */
	List<DerivationImpl> ordered() {
		return this.derivations;
	}

	// ------------------------------------------------------------------ the kinds of derivation

	/** A derivation of one untyped source, not yet registered. */
	DerivationImpl derive(StatePath destination, StatePath source, Function<@Nullable Object, @Nullable Object> transform) {
		Objects.requireNonNull(transform, "transform");
		StatePath src = canonical(Objects.requireNonNull(source, "source"));
		return new DerivationImpl(this, destination, List.of(src), false,
				(reader) -> transform.apply(reader.read(src)));
	}

	/** A derivation of one source converted to a class, not yet registered. */
	<S> DerivationImpl derive(StatePath destination, StatePath source, Class<S> type,
			Function<@Nullable S, @Nullable Object> transform) {
		Objects.requireNonNull(transform, "transform");
		StatePath src = canonical(Objects.requireNonNull(source, "source"));
		return new DerivationImpl(this, destination, List.of(src), false,
				(reader) -> transform.apply(this.converter.convert(src, reader.read(src), type)));
	}

	/** A derivation of one source converted to a generic type, not yet registered. */
	<S> DerivationImpl derive(StatePath destination, StatePath source, TypeRef<S> type,
			Function<@Nullable S, @Nullable Object> transform) {
		Objects.requireNonNull(transform, "transform");
		StatePath src = canonical(Objects.requireNonNull(source, "source"));
		return new DerivationImpl(this, destination, List.of(src), false,
				(reader) -> transform.apply(this.converter.convert(src, reader.read(src), type)));
	}

	/**
	 * The source path as the {@code StatePath} of the registered derivation writing it, when one
	 * does: the commit's view then finds what that derivation just wrote by identity
	 * ({@link TxView#read}). Any equal path reads the same; this only saves the lookup.
	 */
	private StatePath canonical(StatePath source) {
		for (DerivationImpl derivation : this.derivations) {
			if (derivation.destination.equals(source)) {
				return derivation.destination;
			}
		}
		return source;
	}

	/** A derivation of several fixed sources, not yet registered. */
	DerivationImpl deriveMany(StatePath destination, List<StatePath> sources, Function<DeriveData, @Nullable Object> transform) {
		Objects.requireNonNull(transform, "transform");
		if (sources.isEmpty()) {
			throw new IllegalArgumentException("deriveMany needs at least one source for " + destination);
		}
		List<StatePath> paths = new ArrayList<>();
		for (StatePath source : sources) {
			StatePath p = Objects.requireNonNull(source, "source");
			if (!paths.contains(p)) {
				paths.add(p);
			}
		}
		List<StatePath> fixed = List.copyOf(paths);
		return new DerivationImpl(this, destination, fixed, false,
				(reader) -> transform.apply(new DerivationInputs.Data(fixed, reader, this.converter)));
	}

	/** A derivation whose sources are what its last run read, not yet registered. */
	DerivationImpl deriveTracked(StatePath destination, Function<StateView, @Nullable Object> transform) {
		Objects.requireNonNull(transform, "transform");
		return new DerivationImpl(this, destination, List.of(), true,
				(reader) -> transform.apply(new DerivationInputs.View(reader, this.converter)));
	}

	// ------------------------------------------------------------------ the graph

	/**
	 * Adds a derivation to the order, replacing one of the same destination. Called with the
	 * commit lock held, before the commit that computes its first value.
	 * @throws IllegalStateException when it overlaps another derivation's destination
	 * @throws DerivationCycleException when it closes a cycle
	 */
	void install(DerivationImpl derivation) {
		StatePath destination = derivation.destination;
		if (derivation.tracked) {
			// learn the sources first so the graph can be checked before anything is written
			try {
				TxView tx = new TxView(this.backend);
				Set<StatePath> reads = Tracker.recording(() -> derivation.compute.apply(tx::read));
				derivation.sources = List.copyOf(reads);
			}
			catch (RuntimeException ex) {
				// reported when it runs in the commit
			}
		}
		List<DerivationImpl> next = new ArrayList<>();
		DerivationImpl replaced = null;
		for (DerivationImpl existing : this.derivations) {
			if (existing.destination.equals(destination)) {
				replaced = existing;
				continue;
			}
			if (existing.destinationParent.equals(derivation.destinationParent)) {
				derivation.destinationParent = existing.destinationParent;
			}
			if (related(existing.destination, destination)) {
				throw new IllegalStateException("Derivation of " + destination + " overlaps the derivation of "
						+ existing.destination + ": two derivations cannot write the same subtree");
			}
			next.add(existing);
		}
		next.add(derivation);
		List<DerivationImpl> sorted = topologicalOrder(next);
		if (replaced != null) {
			logger.warn("StateTree derivation of {} replaces an earlier one", destination);
			replaced.closed = true;
		}
		this.derivations = sorted;
	}

	/** Logs that a new derivation's first value could not be committed (it stays registered). */
	void firstValueFailed(DerivationImpl derivation, RuntimeException ex) {
		logger.warn("StateTree derivation of {} could not write its first value ({})", derivation.destination,
				Redacted.describe(ex), Redacted.of(ex));
	}

	/** Removes a closed derivation. Takes the commit lock. */
	void remove(DerivationImpl derivation) {
		this.commitLock.lock();
		try {
			List<DerivationImpl> next = new ArrayList<>(this.derivations);
			next.remove(derivation);
			this.derivations = List.copyOf(next);
		}
		finally {
			this.commitLock.unlock();
		}
	}

	/**
	 * Sorts again after tracked derivations read other paths. Called with the commit lock held;
	 * a cycle (which tracked reads can form) is logged and the order kept.
	 */
	void reorder() {
		try {
			this.derivations = topologicalOrder(this.derivations);
		}
		catch (DerivationCycleException ex) {
			logger.error("StateTree tracked derivations formed a cycle; the order is kept as it was: {}", ex.getMessage());
		}
	}

	/** Every derivation, for {@code registrations()}. */
	List<DerivationInfo> infos() {
		List<DerivationInfo> infos = new ArrayList<>();
		for (DerivationImpl derivation : this.derivations) {
			List<String> sources = new ArrayList<>();
			for (StatePath source : derivation.sources) {
				sources.add(source.toString());
			}
			infos.add(new DerivationInfo(derivation.destination.toString(), List.copyOf(sources), derivation.tracked));
		}
		return List.copyOf(infos);
	}

	/** Whether one of these derivations writes at, above or below the path. */
	static boolean writesNear(List<DerivationImpl> ordered, StatePath path) {
		for (DerivationImpl derivation : ordered) {
			if (!derivation.closed && related(derivation.destination, path)) {
				return true;
			}
		}
		return false;
	}

	static boolean related(StatePath a, StatePath b) {
		return a.isAncestorOrSelf(b) || b.isAncestorOf(a);
	}

	// ------------------------------------------------------------------ recompute inside a commit

	/**
	 * Recomputes, in topological order, every derivation whose sources the pending writes change,
	 * adding their writes to the transaction. Each runs at most once.
	 * @param preview whether this only shows a batch what its writes will derive: then nothing
	 * registered changes (tracked sources, counts) and failures are left to the commit to report
	 * @return the tracked derivations whose sources changed
	 */
	Set<DerivationImpl> run(TxView tx, List<DerivationImpl> ordered, @Nullable DerivationImpl forced, boolean preview) {
		return run(tx, ordered, forced, preview, false);
	}

	/**
	 * Like {@link #run(TxView, List, DerivationImpl, boolean)}; in an expiry commit every
	 * derivation reading at or around a deleted path runs, since reads already hid the value the
	 * deletion removes (DESIGN §12), so no change of its sources shows in the view.
	 */
	Set<DerivationImpl> run(TxView tx, List<DerivationImpl> ordered, @Nullable DerivationImpl forced, boolean preview,
			boolean expiry) {
		return run(tx, ordered, forced, preview, expiry, List.of());
	}

	/**
	 * Like {@link #run(TxView, List, DerivationImpl, boolean, boolean)}, with the paths an expiry
	 * commit the backend made itself deleted (Redis): every derivation reading at or around one
	 * runs, as in an expiry commit, though the transaction has no write of its own.
	 * @param expired the paths deleted by the expiry commit this one follows, else empty
	 */
	Set<DerivationImpl> run(TxView tx, List<DerivationImpl> ordered, @Nullable DerivationImpl forced, boolean preview,
			boolean expiry, List<StatePath> expired) {
		boolean byPath = expiry || !expired.isEmpty();
		// one reader for every derivation of this commit; the cache of values before is made on
		// first use (a snapshot view never needs it), the retracked set when one is retracked
		DerivationImpl.Reader reader = tx::read;
		Map<StatePath, Object> before = null;
		Set<DerivationImpl> retracked = Set.of();
		Set<DerivationImpl> again = Set.of();
		List<DerivationImpl> order = ordered;
		for (int pass = 0;; pass++) {
			// what every write of the transaction so far touches (on a second pass, derived ones
			// too), and which derivations own a touched source: only those are visited
			SourceIndex index = index(order);
			SourceIndex.Marks marks = index.newMarks();
			List<Write> writes = tx.writes();
			for (int k = 0, w = writes.size(); k < w; k++) {
				StatePath path = writes.get(k).path();
				index.mark(path, marks);
				if (tx.surelyChanged(k)) {
					// the view recorded this write changing the snapshot's value: sources at or
					// above it changed, with no need to compare (while the record stays exact)
					index.markChanged(path, marks);
				}
			}
			for (int k = 0, e = expired.size(); k < e; k++) {
				index.mark(expired.get(k), marks);
			}
			int n = order.size();
			if (forced != null || !again.isEmpty()) {
				for (int i = 0; i < n; i++) {
					DerivationImpl derivation = order.get(i);
					if (derivation == forced || again.contains(derivation)) {
						SourceIndex.due(i, marks);
					}
				}
			}
			List<DerivationImpl> reordered = null;
			for (int i = SourceIndex.nextDue(marks, 0); i >= 0 && reordered == null; i = SourceIndex.nextDue(marks, i + 1)) {
				DerivationImpl derivation = order.get(i);
				if (derivation.closed) {
					continue;
				}
				if (!byPath && derivation != forced && !again.contains(derivation)) {
					if (before == null && tx.base() == null) {
						before = new HashMap<>();
					}
					if (!sourcesChanged(index, i, marks, tx, before)) {
						continue;
					}
				}
				if (preview) {
					preview(derivation, tx, reader, index, marks);
					continue;
				}
				if (!derivation.tracked) {
					runFixed(derivation, i, tx, reader, index, marks);
					continue;
				}
				long start = this.guard.start();
				ControllerObserver.Scope scope = this.guard.derivationStarting(derivation.destination);
				try {
					Object[] holder = new Object[1];
					Set<StatePath> reads = Tracker.recording(() -> holder[0] = derivation.compute.apply(reader));
					List<StatePath> newSources = List.copyOf(reads);
					if (!newSources.equals(derivation.sources)) {
						derivation.sources = newSources;
						if (retracked.isEmpty()) {
							retracked = new HashSet<>();
						}
						retracked.add(derivation);
						// it read a derivation the order has not computed yet in this commit: sorted
						// again, this pass starts over and it runs after what it reads (its value
						// from the value read too early is not written)
						reordered = (pass < n) ? sortedIfReadsLater(order, i) : null;
						if (reordered != null) {
							again = new HashSet<>(again);
							again.add(derivation);
							this.guard.derivation(derivation, start, scope, null);
							continue;
						}
					}
					write(derivation, i, holder[0], tx, index, marks);
					this.guard.derivation(derivation, start, scope, null);
				}
				catch (VirtualMachineError error) {
					throw error;
				}
				catch (Throwable ex) {
					this.guard.derivation(derivation, start, scope, this.guard.derivationFailed(derivation, ex));
				}
			}
			if (reordered == null) {
				return retracked;
			}
			order = reordered;
		}
	}

	/**
	 * Runs a derivation of fixed sources and adds its write. Without an observer nothing is timed
	 * and no scope opened: the transform, its conversion and the write only.
	 */
	private void runFixed(DerivationImpl derivation, int i, TxView tx, DerivationImpl.Reader reader,
			SourceIndex index, SourceIndex.Marks marks) {
		GuardedObserver observer = this.guard;
		if (!observer.observed) {
			try {
				write(derivation, i, derivation.compute.apply(reader), tx, index, marks);
			}
			catch (VirtualMachineError error) {
				throw error;
			}
			catch (Throwable ex) {
				observer.derivation(derivation, 0, ControllerObserver.Scope.NONE, observer.derivationFailed(derivation, ex));
			}
			return;
		}
		long start = observer.start();
		ControllerObserver.Scope scope = observer.derivationStarting(derivation.destination);
		try {
			write(derivation, i, derivation.compute.apply(reader), tx, index, marks);
			observer.derivation(derivation, start, scope, null);
		}
		catch (VirtualMachineError error) {
			throw error;
		}
		catch (Throwable ex) {
			observer.derivation(derivation, start, scope, observer.derivationFailed(derivation, ex));
		}
	}

	/**
	 * Converts what a derivation returned and adds it to the transaction when it changes the value
	 * there; a write marks what it touches for the derivations after it.
	 */
	private void write(DerivationImpl derivation, int i, @Nullable Object value, TxView tx, SourceIndex index,
			SourceIndex.Marks marks) {
		Object model = this.converter.toModel(derivation.destination, value);
		if (tx.addIfChanged(derivation, value, model)) {
			index.markDestination(i, marks);
			if (tx.surelyChanged(tx.writes().size() - 1)) {
				index.markChanged(i, marks);
			}
		}
	}

	/** A batch's preview of one derivation: its write joins the view; a failure is left to the commit. */
	private void preview(DerivationImpl derivation, TxView tx, DerivationImpl.Reader reader, SourceIndex index,
			SourceIndex.Marks marks) {
		try {
			Object[] holder = new Object[1];
			Tracker.recording(() -> holder[0] = derivation.compute.apply(reader));
			Object model = this.converter.toModel(derivation.destination, holder[0]);
			if (derivation.changes(tx.read(derivation.destination), holder[0], model)) {
				tx.add(new Write(derivation.destination, model, null));
				index.mark(derivation.destination, marks);
			}
		}
		catch (RuntimeException ex) {
			// keeps its last value here as it will at commit, which reports the failure
		}
	}

	/**
	 * When the derivation at {@code i}, whose sources just changed, now reads the destination of
	 * a derivation after it in the order: the order sorted again with its new sources. Null when
	 * it reads nothing later, or when its new sources close a cycle (then the order is kept, and
	 * {@link #reorder} logs the cycle after the commit).
	 */
	private static @Nullable List<DerivationImpl> sortedIfReadsLater(List<DerivationImpl> order, int i) {
		List<StatePath> sources = order.get(i).sources;
		boolean later = false;
		for (int j = i + 1; j < order.size() && !later; j++) {
			DerivationImpl next = order.get(j);
			for (StatePath source : sources) {
				if (!next.closed && related(next.destination, source)) {
					later = true;
					break;
				}
			}
		}
		if (!later) {
			return null;
		}
		try {
			List<DerivationImpl> sorted = topologicalOrder(order);
			return sorted.equals(order) ? null : sorted;
		}
		catch (DerivationCycleException ex) {
			return null;
		}
	}

	/**
	 * The index of this order's sources, built again when the order or a tracked derivation's
	 * sources changed since it was built.
	 */
	private SourceIndex index(List<DerivationImpl> ordered) {
		SourceIndex current = this.index;
		if (current == null || !current.matches(ordered)) {
			current = SourceIndex.of(ordered);
			this.index = current;
		}
		return current;
	}

	/**
	 * Whether the value of one of the derivation's marked sources differs from the one before the
	 * commit: known without comparing for a slot marked surely changed while the view still
	 * records the commit's changes exactly.
	 */
	private boolean sourcesChanged(SourceIndex index, int derivation, SourceIndex.Marks marks, TxView tx,
			@Nullable Map<StatePath, Object> before) {
		long[] changed = marks.changed;
		for (int slot = index.start(derivation), end = index.end(derivation); slot < end; slot++) {
			if (!SourceIndex.isSet(slot, marks.slots)) {
				continue;
			}
			if (changed != null && SourceIndex.isSet(slot, changed) && tx.recordsExactly()) {
				// a write of this commit changed the value there: no need to compare
				return true;
			}
			StatePath source = index.path(slot);
			Map<String, Object> base = tx.base();
			Object old;
			if (base != null) {
				old = StateValues.getIn(base, source);
			}
			else {
				old = Objects.requireNonNull(before).computeIfAbsent(source, (s) -> {
					Object v = this.backend.read(s);
					return (v != null) ? v : NONE;
				});
				old = (old == NONE) ? null : old;
			}
			if (!StateValues.equal(old, tx.read(source))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Sorts derivations so that each comes after every derivation whose destination feeds one of
	 * its sources.
	 * @throws DerivationCycleException naming the cycle
	 */
	private static List<DerivationImpl> topologicalOrder(List<DerivationImpl> derivations) {
		int n = derivations.size();
		List<List<Integer>> feeds = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			List<Integer> targets = new ArrayList<>();
			StatePath destination = derivations.get(i).destination;
			for (int j = 0; j < n; j++) {
				for (StatePath source : derivations.get(j).sources) {
					if (related(destination, source)) {
						targets.add(j);
						break;
					}
				}
			}
			feeds.add(targets);
		}
		int[] state = new int[n];
		List<DerivationImpl> reversed = new ArrayList<>(n);
		List<Integer> path = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			if (state[i] == 0) {
				visit(i, derivations, feeds, state, reversed, path);
			}
		}
		Collections.reverse(reversed);
		return List.copyOf(reversed);
	}

	private static void visit(int i, List<DerivationImpl> derivations, List<List<Integer>> feeds, int[] state,
			List<DerivationImpl> out, List<Integer> path) {
		state[i] = 1;
		path.add(i);
		for (int j : feeds.get(i)) {
			if (state[j] == 1) {
				List<String> cycle = new ArrayList<>();
				for (int k = path.indexOf(j); k < path.size(); k++) {
					cycle.add(derivations.get(path.get(k)).destination.toString());
				}
				cycle.add(derivations.get(j).destination.toString());
				throw new DerivationCycleException(cycle);
			}
			if (state[j] == 0) {
				visit(j, derivations, feeds, state, out, path);
			}
		}
		path.remove(path.size() - 1);
		state[i] = 2;
		out.add(derivations.get(i));
	}

}
