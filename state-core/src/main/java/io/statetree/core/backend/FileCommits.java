package io.statetree.core.backend;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.backend.IntentLog.Op;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the commits of a {@link FileSystemBackend}: reads the values a commit replaces, plans its
 * files ({@link FileCommitPlan}), logs it in the history before any file, has {@link AtomicCommit}
 * apply it, and gives out its revision.
 * <p>
 * <b>Group commit</b> (fsync on): {@link GroupCommits} queues the commits and lets the thread
 * holding the write lock take a group of them; here each member is prepared (reads, checks and
 * reports its own values) and the group is made: it gets one revision per member, its history
 * records are forced once and its file operations are one frame of the journal, forced once, so
 * concurrent writers share two fsyncs. A crash keeps a group wholly or not at all, and a call
 * returns only after its commit is durable. When the group's files cannot be planned its members
 * are committed one at a time instead. With fsync off there are no groups: each commit is made
 * alone, under the lock.
 * <p>
 * Thread-safe: the state below is read and written under the backend's write lock; the revision
 * is volatile.
 */
final class FileCommits {

	private static final Logger logger = LoggerFactory.getLogger(FileSystemBackend.class);

	private final FileSystemBackend backend;

	private final ReentrantReadWriteLock lock;

	private final Path directory;

	private final Path meta;

	private final FileTreeReader reader;

	private final FileEntries entries;

	/** What the commits know of the directory's entries, so planning asks the disk only once per name. */
	private final DirectoryIndex index;

	private final Serializer serializer;

	private final int maxFileBytes;

	private final AtomicFiles files;

	private final AtomicCommit atomicCommit;

	private final RevisionFile revisionFile;

	private final @Nullable HistoryLog history;

	private final FileLifetimes lifetimes;

	private final Clock clock;

	private final boolean groups;

	/** With fsync on: the queue of commits made in groups. */
	private final GroupCommits groupCommits;

	/** The writes of made commits whose files lag, served to reads until the files catch up. */
	private final FileLag lag;

	private volatile long revision;

	/** Without a history: whether an earlier run's log was deleted (before the first commit). */
	private boolean logForgotten;

	/**
	 * Set during every commit made alone, under the write lock, so no other thread reads
	 * meanwhile: reads see the files as they are, so a delete of what reads hide is made and
	 * reports the value it deletes, and a value that falls due while the commit runs (after the
	 * controller's due check found nothing due, a preempted thread makes that milliseconds) is
	 * replaced as the value it was, never as {@code null} without its expiry commit.
	 */
	private boolean asStored;

	FileCommits(FileSystemBackend backend, ReentrantReadWriteLock lock, Path directory, Path meta,
			FileTreeReader reader, FileEntries entries, Serializer serializer, int maxFileBytes, AtomicFiles files,
			AtomicCommit atomicCommit, RevisionFile revisionFile, @Nullable HistoryLog history,
			FileLifetimes lifetimes, Clock clock, long revision) {
		this.backend = backend;
		this.lock = lock;
		this.directory = directory;
		this.meta = meta;
		this.reader = reader;
		this.entries = entries;
		this.serializer = serializer;
		this.maxFileBytes = maxFileBytes;
		this.files = files;
		this.atomicCommit = atomicCommit;
		this.revisionFile = revisionFile;
		this.history = history;
		this.lifetimes = lifetimes;
		this.clock = clock;
		this.groups = files.fsync();
		this.revision = revision;
		this.lag = new FileLag(reader);
		this.groupCommits = new GroupCommits(this, backend, lock);
		this.index = new DirectoryIndex(entries, !entries.caseInsensitive(), reader.dotExtension(), meta);
		atomicCommit.index(this.index);
	}

	/** For tests: the commits' index of the directory. */
	DirectoryIndex index() {
		return this.index;
	}

	long revision() {
		return this.revision;
	}

	/**
	 * Reads a path as the commits made it, under the backend's lock: from the files, with the
	 * writes of commits whose files lag applied ({@link FileLag}).
	 */
	@Nullable Object read(StatePath path) {
		return this.lag.active() ? this.lag.read(path) : this.reader.read(path);
	}

	/** Lists a branch's children as the commits made it, under the backend's lock. */
	List<String> childNames(StatePath path) {
		return this.lag.active() ? this.lag.childNames(path) : this.reader.childNames(path);
	}

	/** Whether the files lag behind made commits (readable without the lock). */
	boolean lagging() {
		return this.lag.active();
	}

	/**
	 * For the health check: while the files lag, takes the write lock and tries to write them.
	 * @throws StateStorageException when they still cannot be written
	 */
	void checkCaughtUp() {
		if (!this.lag.active()) {
			return;
		}
		this.lock.writeLock().lock();
		try {
			this.backend.checkOpen();
			ensureCaughtUp();
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/**
	 * While the files lag behind made commits, tries to write them; the caller holds the write
	 * lock.
	 * @throws StateStorageException when they still cannot be written: nothing was written
	 */
	void ensureCaughtUp() {
		if (!this.atomicCommit.lagging()) {
			return;
		}
		if (this.atomicCommit.catchUp()) {
			this.lag.clear();
			return;
		}
		Exception cause = this.atomicCommit.lagCause();
		throw new StateStorageException("State directory " + this.directory + " refuses commits, nothing was written:"
				+ " the files of the commits from revision " + this.lag.since() + " on cannot be written (" + cause
				+ "); those commits are made (reads see them, the next start completes their files from the "
				+ (this.files.fsync() ? "journal" : "intent log") + ") and commits resume once the files can be written",
				cause);
	}

	/** After a commit (or group) was made: notes its values when its files lag. */
	private void noteLag(List<Change> changes, long revision) {
		if (this.atomicCommit.lagging()) {
			this.lag.add(changes, revision);
		}
	}

	/** Whether reads see the files as stored (during a commit made alone). */
	boolean asStored() {
		return this.asStored;
	}

	/**
	 * Commits a request, in a group with concurrent ones when fsync is on.
	 * @param request the request
	 * @return its result, once it is durable
	 */
	CommitResult commit(CommitRequest request) {
		if (!this.groups) {
			this.lock.writeLock().lock();
			try {
				this.backend.checkOpen();
				return commitAlone(request);
			}
			finally {
				this.asStored = false;
				this.lock.writeLock().unlock();
			}
		}
		return this.groupCommits.commit(request);
	}

	/**
	 * Reads and checks what a member of a group replaces, against the files as they are (no
	 * earlier member touches its paths).
	 * @return the member, or {@code null} when it must be made alone
	 */
	GroupCommits.@Nullable Member prepare(CommitRequest request, FileCommitPlan plan) {
		if (request.expiry() || this.lifetimes.nanosUntilNextDue() == 0
				|| this.lifetimes.after(request.writes()) != null) {
			return null;
		}
		checkPreconditions(request, plan);
		GroupCommits.Member member = new GroupCommits.Member();
		Values values = valuesBefore(request, plan);
		member.changes = values.changes;
		member.unchanged = !values.changed && TreeChanges.unchanged(values.changes);
		return member;
	}

	/**
	 * Makes a group of prepared members, planned together on {@code plan}: completes each.
	 * @param members the members, in their order
	 * @param plan their writes
	 */
	void commitGroup(List<GroupCommits.Member> members, FileCommitPlan plan) {
		List<Op> ops;
		try {
			ops = plan.operations();
		}
		catch (RuntimeException ex) {
			// which member's value cannot be stored is not known here: each is made alone instead
			for (GroupCommits.Member member : members) {
				try {
					member.queued.complete(commitAlone(member.queued.request));
				}
				catch (RuntimeException failed) {
					member.queued.fail(failed);
				}
			}
			return;
		}
		long next = this.revision;
		List<io.statetree.core.Commit> records = new ArrayList<>(members.size());
		for (GroupCommits.Member member : members) {
			member.revision = ++next;
			records.add(HistoryRecord.commit(member.revision, this.clock.instant(), member.queued.request, member.changes));
		}
		long last = next;
		HistoryLog log = this.history;
		try {
			if (log == null) {
				forgetLogOnce();
				this.revisionFile.storeAtLeast(last);
				this.atomicCommit.execute(ops);
			}
			else {
				List<HistoryLog.Pending> pending = log.appendAll(records);
				try {
					// throws only when the group is not made (its journal frame is not there)
					this.atomicCommit.execute(ops);
				}
				catch (RuntimeException ex) {
					for (int i = pending.size() - 1; i >= 0; i--) {
						log.abandon(pending.get(i));
					}
					throw ex;
				}
				// published first: once revision() shows it, the history has it
				for (HistoryLog.Pending record : pending) {
					log.published(record);
				}
			}
		}
		catch (RuntimeException ex) {
			for (GroupCommits.Member member : members) {
				member.queued.fail(ex);
			}
			return;
		}
		// made: from here on nothing throws, and every member succeeds
		if (this.atomicCommit.lagging()) {
			List<Change> changes = new ArrayList<>();
			for (GroupCommits.Member member : members) {
				changes.addAll(member.changes);
			}
			this.lag.add(changes, members.get(0).revision);
		}
		this.revision = last;
		for (GroupCommits.Member member : members) {
			member.queued.complete(new CommitResult(member.revision, member.changes));
		}
	}

	/**
	 * A queued request that must be made alone, by the group's leader: {@link #commitAlone}, after
	 * which reads again hide what is due. The caller holds the write lock.
	 */
	CommitResult commitByItself(CommitRequest request) {
		try {
			return commitAlone(request);
		}
		finally {
			this.asStored = false;
		}
	}

	/** The commit of one request by itself, as before groups: the caller holds the write lock. */
	private CommitResult commitAlone(CommitRequest request) {
		ensureCaughtUp();
		// One view for the whole commit: the files as stored. Reading the clock again for each value
		// it replaces would let a value that fell due after the controller's due check (which found
		// nothing due, so no expiry commit was made) read as null: the write would record null as
		// its old value and the expiry would be lost from the history and the listeners. Nothing
		// was due when that check ran, so the stored value is the one the write replaces.
		this.asStored = true;
		FileCommitPlan plan = newPlan();
		checkPreconditions(request, plan);
		List<Write> writes = request.writes();
		Values values = valuesBefore(request, plan);
		for (Write write : writes) {
			plan.apply(write);
		}
		List<Change> changes = values.changes;
		FileLifetimes.Next lifetimes = this.lifetimes.after(writes);
		if (!values.changed && TreeChanges.unchanged(changes)) {
			if (lifetimes != null) {
				// a value rewritten as it was still takes its lifetime, without a revision
				this.atomicCommit.execute(List.of(lifetimes.op()));
				this.lifetimes.install(lifetimes);
				noteLag(List.of(), this.revision);
			}
			return new CommitResult(this.revision, changes);
		}
		List<Op> ops = plan.operations();
		if (lifetimes != null) {
			ops = new ArrayList<>(ops);
			ops.add(lifetimes.op());
		}
		long next = this.revision + 1;
		HistoryLog log = this.history;
		if (log == null) {
			forgetLogOnce();
			// before any file of the commit, so the stored revision is never below a commit that is there
			this.revisionFile.storeAtLeast(next);
			this.atomicCommit.execute(ops); // throws only when the commit is not made
			noteLag(changes, next);
			installLifetimes(lifetimes);
			this.revision = next;
			return new CommitResult(next, changes);
		}
		// the history record comes before any file of the commit and carries its revision, so
		// the revision file needs no lease: the history's last record is the last commit
		HistoryLog.Pending pending = log.append(HistoryRecord.commit(next, this.clock.instant(), request, changes));
		boolean settled = false;
		try {
			this.atomicCommit.execute(ops); // throws only when the commit is not made
		}
		catch (RuntimeException ex) {
			if (!HistoryRecovery.settleFailed(this.reader, log, pending)) {
				throw ex;
			}
			// a reader sees the commit although its apply threw: it is made (published), its files catch up
			this.atomicCommit.adopt(ops, ex);
			settled = true;
		}
		if (!settled) {
			// published first: once revision() shows it, the history has it
			log.published(pending);
		}
		noteLag(changes, next);
		installLifetimes(lifetimes);
		this.revision = next;
		return new CommitResult(next, changes);
	}

	private void forgetLogOnce() {
		if (!this.logForgotten) {
			HistoryRecovery.forgetLog(this.directory, this.meta, this.files); // see there
			this.logForgotten = true;
		}
	}

	/**
	 * The values a request replaces, and the changes it makes, read through the plan it is
	 * planned with (before its writes are), which keeps the entries it looks up and the files it
	 * parses for the planning.
	 */
	private Values valuesBefore(CommitRequest request, FileCommitPlan plan) {
		List<Write> writes = request.writes();
		Map<StatePath, @Nullable Object> payloads = TreeChanges.lastPayloads(writes);
		Map<StatePath, @Nullable Object> before = new LinkedHashMap<>();
		boolean changed = false;
		for (StatePath path : payloads.keySet()) {
			try {
				before.put(path, current(path, plan));
			}
			catch (UnparsableFileException ex) {
				if (path.isRoot() || !ex.file.equals(this.reader.fileOf(path))) {
					throw ex;
				}
				logger.warn("Replacing the unreadable state file {} written at {}; its old value is reported as absent",
						this.reader.relative(ex.file), path);
				before.put(path, null);
				changed = true;
			}
		}
		List<Change> changes = TreeChanges.fromValuesBefore(payloads, before, writes, this.backend);
		return new Values(changes, changed);
	}

	private void installLifetimes(FileLifetimes.@Nullable Next lifetimes) {
		if (lifetimes != null) {
			this.lifetimes.install(lifetimes);
		}
	}

	/**
	 * Plans a request as {@link #commit} does and writes nothing. The caller holds the write lock.
	 * @param request the request
	 */
	void check(CommitRequest request) {
		ensureCaughtUp();
		FileCommitPlan plan = newPlan();
		checkPreconditions(request, plan);
		for (Write write : request.writes()) {
			plan.apply(write);
		}
		plan.operations();
	}

	/**
	 * A path's value as stored, under the write lock: through the plan when the files do not lag
	 * (so its lookups serve the planning too), else as the made commits left it.
	 */
	private @Nullable Object current(StatePath path, FileCommitPlan plan) {
		this.backend.checkOpen();
		// as stored, for a commit made alone and for a member of a group alike (see asStored): a
		// group is only made while nothing is due, so nothing is hidden but what falls due meanwhile
		return this.lag.active() ? read(path) : plan.current(path);
	}

	private void checkPreconditions(CommitRequest request, FileCommitPlan plan) {
		for (Precondition precondition : request.preconditions()) {
			if (!StateValues.equal(current(precondition.path(), plan), precondition.expected())) {
				throw new PreconditionFailedException(precondition.path());
			}
		}
	}

	/** Plans writes on a plan of their own, against the files as they are: checks them, writes nothing. */
	void planAlone(List<Write> writes) {
		FileCommitPlan plan = newPlan();
		for (Write write : writes) {
			plan.apply(write);
		}
	}

	FileCommitPlan newPlan() {
		return new FileCommitPlan(this.directory, this.reader, this.entries, this.index, this.serializer,
				this.maxFileBytes);
	}

	private record Values(List<Change> changes, boolean changed) {
	}

}
