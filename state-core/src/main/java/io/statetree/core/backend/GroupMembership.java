package io.statetree.core.backend;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One member's hold on a group's partitions ({@link ConsumerGroups#join}). The controller calls
 * {@link #claim} every third of the claim timeout; between calls it handles the events of the
 * partitions it holds, in revision order, and acknowledges each revision with the claim's token.
 * A claim not renewed within the timeout lapses and another member takes the partition from its
 * cursor, so an event being handled when a member dies (or hangs) is handled again elsewhere: at
 * least once. A late acknowledgement with a lapsed token changes nothing and returns
 * {@code false}. Thread-safe.
 */
public interface GroupMembership extends AutoCloseable {

	/**
	 * Renews this member's claims and takes free or lapsed partitions, up to a fair share of the
	 * members alive ({@code ceil(partitions / members)}); gives up claims above the fair share so
	 * a member that joins later gets work. Then, above the fair share, it takes every partition
	 * that has been free for longer than half of {@code claimTimeout} (lapsed, given up or never
	 * held): a partition whose holder hangs is taken even when every member alive holds its fair
	 * share (members below their share, renewing every third of the timeout, get it first).
	 * Calling it also keeps the member alive for {@code claimTimeout}. A partition taken from another holder (free after a close, or lapsed)
	 * gets a new token; a renewed one keeps its token.
	 * @param claimTimeout how long a claim lasts unless renewed
	 * @param keep partitions this member must not give up now (it is handling their events)
	 * @param skip partitions this member must neither renew nor take (their listener has run
	 * longer than the claim timeout: the claim lapses so another member takes the partition);
	 * a claim on one of them is not in the result
	 * @return the claims held after the call, by partition
	 */
	List<PartitionClaim> claim(Duration claimTimeout, Set<Integer> keep, Set<Integer> skip);

	/**
	 * Records that a partition's events through a revision are handled.
	 * @param partition the partition
	 * @param token the claim's fencing token
	 * @param revision the revision handled through; a lower one than the cursor is ignored
	 * @return {@code false} when the claim is no longer this member's (the acknowledgement is
	 * ignored)
	 */
	boolean acknowledge(int partition, long token, long revision);

	/**
	 * Parks an event as a dead letter (its id given by the store) and acknowledges its revision
	 * when {@code acknowledge} is set (the last event of its revision in the partition), in one
	 * step.
	 * @param partition the partition
	 * @param token the claim's fencing token
	 * @param letter the dead letter: its {@code id} is not kept (the store gives a new one); when
	 * it is the id of a redelivered letter this claim took ({@link #takeRedeliveries}), parking it
	 * again also counts as handling that one ({@link #redeliveryHandled})
	 * @param acknowledge whether to move the cursor to the letter's revision too
	 * @return {@code false} when the claim is no longer this member's (nothing is parked)
	 */
	boolean deadLetter(int partition, long token, DeadLetterRecord letter, boolean acknowledge);

	/**
	 * Takes the dead letters redelivered to a partition ({@link ConsumerGroups#redeliver}).
	 * @param partition the partition
	 * @param token the claim's fencing token
	 * @return the letters, oldest first; empty when none or the claim is not this member's
	 */
	List<DeadLetterRecord> takeRedeliveries(int partition, long token);

	/**
	 * Records that a redelivered letter this claim took ({@link #takeRedeliveries}) was handled:
	 * the store forgets it, so no later holder of the partition takes it again. A letter taken and
	 * not yet recorded handled may be given again to the partition's next holder (its holder may
	 * have died while handling it: at least once); taking again with the same claim never gives
	 * it again.
	 * @param partition the partition
	 * @param token the claim's fencing token
	 * @param id the letter's id
	 * @return {@code false} when the claim is no longer this member's (nothing is recorded);
	 * {@code true} otherwise, also when the letter is not known (recorded before)
	 */
	boolean redeliveryHandled(int partition, long token, String id);

	/**
	 * Gives up every claim at once and leaves the group.
	 */
	@Override
	void close();

}
