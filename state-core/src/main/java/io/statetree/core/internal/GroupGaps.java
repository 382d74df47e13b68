package io.statetree.core.internal;

import java.util.HashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a group's gaps in the history (DESIGN §13): commits a partition had not handled that the
 * history no longer holds, skipped unread. Each gap is reported once, naming the partition and
 * exactly the revisions skipped: from the one after the partition's cursor to the one before the
 * first it reads. Thread-safe.
 */
final class GroupGaps {

	private static final Logger logger = LoggerFactory.getLogger(DefaultStateController.class);

	private final String group;

	/** Per partition, the revision through which its last gap was reported. */
	private final Map<Integer, Long> reportedThrough = new HashMap<>();

	GroupGaps(String group) {
		this.group = group;
	}

	/**
	 * Reports that a partition skips the commits after {@code after} through {@code retained}:
	 * once per gap (a partition reading the same gap again is not reported again).
	 * @param partition the partition
	 * @param after the revision the partition handled through (its cursor)
	 * @param retained the revision the history now holds the commits after
	 */
	void report(int partition, long after, long retained) {
		synchronized (this.reportedThrough) {
			Long reported = this.reportedThrough.get(partition);
			if (retained <= after || (reported != null && retained <= reported)) {
				return;
			}
			this.reportedThrough.put(partition, retained);
		}
		String skipped = (after + 1 == retained) ? "revision " + retained
				: "revisions " + (after + 1) + " through " + retained;
		logger.error("StateTree group '{}' LOST EVENTS: partition {} had handled the commits through revision {}, "
				+ "but the history no longer holds {}: skipped unread, any events they held for this partition are "
				+ "lost (the history keeps too few commits for a group this far behind: raise its size); the "
				+ "partition goes on with revision {}", this.group, partition, after, skipped, retained + 1);
	}

}
