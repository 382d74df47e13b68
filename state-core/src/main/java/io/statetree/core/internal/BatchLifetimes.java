package io.statetree.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import io.statetree.core.StatePath;
import io.statetree.core.backend.Lifetime;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;

/**
 * {@code timeToLive} inside a batch (DESIGN §12, §4 Batches): the committed lifetimes the batch's
 * writes leave in place combined with the times to live the batch wrote. A write applies the
 * lifetime rules the backends apply at commit: it drops the entries at and below its path (the
 * committed ones and the batch's own), then puts its own ({@link Lifetime#KEEP} keeps the entry at
 * its path); ancestors keep theirs. A time to live the batch wrote counts from its commit, so it
 * reads whole until then. Stateless; the batch it reads belongs to the calling thread.
 */
final class BatchLifetimes {

	private BatchLifetimes() {
	}

	/**
	 * How long the value at a path has left to live as the batch sees it.
	 * @param writes the batch's writes, in order
	 * @param present whether the path has a value in the batch's view
	 * @param path the path
	 * @param committed the committed time to live of a path (covering its ancestors), or null
	 * @return the earliest of what covers the path, or null when nothing does or it is absent
	 */
	static @Nullable Duration timeToLive(List<Write> writes, boolean present, StatePath path,
			Function<StatePath, @Nullable Duration> committed) {
		if (!present) {
			return null;
		}
		int depth = path.depth();
		// per depth along the path (root first): the entry there, the batch's time to live or none
		Duration[] own = new Duration[depth + 1];
		// the committed entries still in place lie at the depths below this bound (root side)
		int committedBelow = depth + 1;
		for (Write write : writes) {
			StatePath at = write.path();
			if (!at.isAncestorOrSelf(path)) {
				continue;
			}
			int d = at.depth();
			Lifetime lifetime = write.lifetime();
			boolean keep = write.value() != null && lifetime != null && lifetime.isKeep();
			for (int below = d + 1; below <= depth; below++) {
				own[below] = null;
			}
			committedBelow = Math.min(committedBelow, keep ? d + 1 : d);
			if (!keep) {
				own[d] = (write.value() != null && lifetime != null) ? lifetime.ttl() : null;
			}
		}
		Duration earliest = null;
		for (int d = 0; d <= depth; d++) {
			earliest = earlier(earliest, own[d]);
		}
		for (int d = 0; d < committedBelow; d++) {
			// the committed answer at a path covers its ancestors; asking each depth also covers a
			// committed ancestor of a path only the batch created
			earliest = earlier(earliest, committed.apply(path.prefix(d)));
		}
		return earliest;
	}

	private static @Nullable Duration earlier(@Nullable Duration a, @Nullable Duration b) {
		if (a == null) {
			return b;
		}
		return (b == null || a.compareTo(b) <= 0) ? a : b;
	}

}
