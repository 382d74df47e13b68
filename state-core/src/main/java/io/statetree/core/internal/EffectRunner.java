package io.statetree.core.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.ControllerObserver;
import io.statetree.core.StateEvent;
import io.statetree.core.StateListener;
import io.statetree.core.StatePath;
import io.statetree.core.backend.Change;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tracked effects (DESIGN §6, {@code track}): each run reads one snapshot through the
 * {@link EffectJournal} and records the revision of every read; the effect runs again when a
 * path it read changes in a later commit (its own included), and forgets paths it no longer
 * reads. One run at a time per effect ({@link EffectImpl} claims). Effects run from the
 * controller's own mailbox, after the commit, outside every lock. Thread-safe.
 */
final class EffectRunner {

	/** The controller's log category, where these lines have always been. */
	private static final Logger logger = LoggerFactory.getLogger(DefaultStateController.class);

	/** The controller effects read and write through. */
	private final DefaultStateController controller;

	private final EffectJournal journal;

	private final GuardedObserver guard;

	private final List<EffectImpl> effects = new CopyOnWriteArrayList<>();

	EffectRunner(DefaultStateController controller, EffectJournal journal, GuardedObserver guard) {
		this.controller = controller;
		this.journal = journal;
		this.guard = guard;
	}

	boolean isEmpty() {
		return this.effects.isEmpty();
	}

	/** The registered effects (the live list, never replaced), for a check on every commit. */
	List<EffectImpl> registered() {
		return this.effects;
	}

	/**
	 * Lists a new effect, claimed for its first run: a commit delivered during that run makes it
	 * check again.
	 */
	EffectImpl add(String id, StateListener function) {
		EffectImpl effect = new EffectImpl(this, id, function);
		effect.claim();
		this.effects.add(effect);
		return effect;
	}

	void remove(EffectImpl effect) {
		this.effects.remove(effect);
	}

	/** The event of a run that is not caused by one change: the whole tree, at the latest revision. */
	Event wholeTree() {
		return new Event(this.controller, StatePath.ROOT, StatePath.ROOT, null, null, null, null,
				this.controller.lastRevision(), this.controller.instanceId(), CommitRecord.Kind.LOCAL);
	}

	/**
	 * Runs an effect this thread has claimed, then again for as long as a path it read changed
	 * in a commit after the revision it read it at (its own commits included), each run reading
	 * one snapshot; then lets it go. Stops after {@link Dispatcher#MAX_CASCADE_DEPTH} runs in a row.
	 * @return the first failure of the effect, or null
	 */
	@Nullable Throwable runClaimed(EffectImpl effect, Event first) {
		Throwable firstFailure = null;
		Event event = first;
		try {
			for (int round = 1;; round++) {
				if (effect.closed) {
					effect.release();
					return firstFailure;
				}
				EffectJournal.Run run = this.journal.begin();
				Event next = null;
				try {
					Throwable failure = runEffect(effect, event, run);
					if (firstFailure == null) {
						firstFailure = failure;
					}
					while (next == null) {
						if (run.inexact) {
							next = wholeTree();
							break;
						}
						EffectJournal.Found found = this.journal.changedSince(run.reads);
						if (found != null) {
							Change change = found.change();
							next = new Event(this.controller, found.dependency(), change.path(), change.oldValue(),
									change.newValue(), change.payload(), null, found.entry().revision(),
									found.entry().origin(), CommitRecord.Kind.LOCAL, found.entry().actor(),
									found.entry().causedBy(), found.entry().expiry());
							break;
						}
						Object offered = effect.tryFinish();
						if (offered == null) {
							return firstFailure;
						}
						if (offered instanceof Event forced) {
							next = forced;
						}
					}
				}
				finally {
					this.journal.end(run);
				}
				if (round >= Dispatcher.MAX_CASCADE_DEPTH) {
					// stopped like a listener cascade: the commits made so far count as seen, a later one runs it again
					Map<StatePath, Long> seen = new LinkedHashMap<>();
					long head = this.journal.head();
					effect.readAt.keySet().forEach((path) -> seen.put(path, head));
					effect.readAt = Collections.unmodifiableMap(seen);
					effect.release();
					logger.error("StateTree stopped effect '{}' after {} runs in a row: every run changed a path it read",
							effect.id, round);
					return firstFailure;
				}
				event = next;
			}
		}
		catch (RuntimeException | Error ex) {
			effect.release();
			throw ex;
		}
	}

	private @Nullable Throwable runEffect(EffectImpl effect, StateEvent event, EffectJournal.Run run) {
		Throwable[] failure = new Throwable[1];
		long start = this.guard.start();
		ControllerObserver.Scope scope = this.guard.listenerStarting(effect.id, event.path());
		this.journal.within(run, () -> {
			try {
				effect.function.onChange(event);
			}
			catch (VirtualMachineError fatal) {
				throw fatal;
			}
			catch (Throwable ex) {
				failure[0] = ex;
			}
		});
		effect.readAt = Collections.unmodifiableMap(new LinkedHashMap<>(run.reads));
		Throwable safe = null;
		if (failure[0] != null) {
			safe = this.guard.effectFailed(effect, event.emittingPath(), failure[0]);
		}
		this.guard.listener(effect.id, event.path(), start, scope, safe);
		return failure[0];
	}

	/**
	 * Runs the effects a commit concerns: those that read a path it changed, at a revision before
	 * it (a run that read after it already saw it). An effect running elsewhere is only told to
	 * check again.
	 * @return the first failure of an effect, or null
	 */
	@Nullable Throwable runEffects(CommitRecord record) {
		if (this.effects.isEmpty()) {
			return null;
		}
		Throwable firstFailure = null;
		for (EffectImpl effect : this.effects) {
			if (effect.closed) {
				continue;
			}
			boolean journaled = record.kind() != CommitRecord.Kind.PING && record.kind() != CommitRecord.Kind.RESYNC;
			Event event = effect.claimFor((e) -> effectEvent(e, record), journaled);
			if (event == null) {
				continue;
			}
			Throwable failure = runClaimed(effect, event);
			if (failure != null && firstFailure == null) {
				firstFailure = failure;
			}
		}
		return firstFailure;
	}

	/** The event that runs an effect for a commit, or null when the commit does not concern it. */
	private @Nullable Event effectEvent(EffectImpl effect, CommitRecord record) {
		if (record.kind() == CommitRecord.Kind.RESYNC) {
			return new Event(this.controller, StatePath.ROOT, StatePath.ROOT, null, null, null, null,
					record.revision(), record.origin(), record.kind());
		}
		boolean ping = record.kind() == CommitRecord.Kind.PING;
		for (Map.Entry<StatePath, Long> dependency : effect.readAt.entrySet()) {
			if (!ping && record.revision() <= dependency.getValue()) {
				continue;
			}
			for (Change change : record.changes()) {
				if (RecordedChanges.affects(change, dependency.getKey(), ping)) {
					return new Event(this.controller, dependency.getKey(), change.path(), change.oldValue(),
							change.newValue(), change.payload(), null, record);
				}
			}
		}
		return null;
	}

}
