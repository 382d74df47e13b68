package io.statetree.core.internal;

import java.util.HashMap;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.backend.ExpiringEntries;
import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;

/**
 * The lifetimes a computed value read on a shared backend, checked on {@code get} (DESIGN §12,
 * §16; redisttl26). Another instance's write that leaves a value equal and only restarts, gives or
 * clears its time to live makes no commit (no revision, nothing on the change feed, as on one
 * instance no listener hears it), so this instance never hears of it; a computed value that read
 * that lifetime would answer the old one for as long as no path it read changed. Instead each run
 * reads the stamp of a lifetime ({@link ExpiringEntries#lifetimeStamp}) before its first reading
 * of it, the memo keeps the stamps, and a {@code get} that finds the memo current reads them again
 * (one backend call per lifetime read): a changed stamp computes the value again. A local backend's
 * lifetimes change only through this controller's commits, which invalidate the value at once, so
 * it has none. Thread-safe: the stamps of a run belong to the thread running it, a memo's are
 * immutable.
 */
final class LifetimeStamps {

	private final ExpiringEntries entries;

	private LifetimeStamps(ExpiringEntries entries) {
		this.entries = entries;
	}

	/**
	 * The stamps for a backend, or {@code null} when it is not shared or keeps no lifetimes.
	 * @param backend the controller's backend
	 * @return the stamps, or null
	 */
	static @Nullable LifetimeStamps of(StateBackend backend) {
		ExpiringEntries entries = backend.expiringEntries();
		return (backend.isShared() && entries != null) ? new LifetimeStamps(entries) : null;
	}

	/**
	 * Before a run reads a path's lifetime: reads its stamp, the first time the run asks. Read
	 * before the lifetime, so another instance's write between the two shows as a changed stamp
	 * (the value then computes again) and never as a stamp newer than the lifetime read.
	 */
	void beforeReading(EffectJournal.Run run, StatePath path) {
		if (!run.computing || (run.stamps != null && run.stamps.containsKey(path))) {
			return;
		}
		long stamp = this.entries.lifetimeStamp(path);
		if (run.stamps == null) {
			run.stamps = new HashMap<>();
		}
		run.stamps.put(path, stamp);
	}

	/**
	 * A run took a value remembered with these stamps; a stamp the run read itself stays (its
	 * result rests on the older reading).
	 */
	static void note(EffectJournal.Run run, Map<StatePath, Long> stamps) {
		if (!run.computing) {
			return;
		}
		if (run.stamps == null) {
			run.stamps = new HashMap<>();
		}
		stamps.forEach(run.stamps::putIfAbsent);
	}

	/**
	 * Whether the lifetimes a value was computed from still hold: each path's stamp read now
	 * equals the one its run read.
	 * @param stamps the run's stamps
	 * @return whether none changed
	 * @throws io.statetree.core.StateStorageException if the backend cannot be read
	 */
	boolean hold(Map<StatePath, Long> stamps) {
		for (Map.Entry<StatePath, Long> entry : stamps.entrySet()) {
			if (this.entries.lifetimeStamp(entry.getKey()) != entry.getValue()) {
				return false;
			}
		}
		return true;
	}

}
