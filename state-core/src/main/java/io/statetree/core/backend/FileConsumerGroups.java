package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.statetree.core.StateStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable {@link ConsumerGroups} of a {@link FileSystemBackend}, in {@code .statetree/groups}
 * (DESIGN §13). Each group's pattern and partition cursors, and its dead letters, are kept in the
 * group's two files ({@link GroupFiles}), each written atomically (temp file, fsync, rename) before
 * the call returns, so they survive a crash: the events after a cursor are read again from the
 * history log after a restart. Claims are kept in this process only ({@link PartitionLeases}): the
 * directory lock means one process, so a restart starts with every partition free.
 * <p>
 * A redelivered dead letter that its partition's holder took stays in the letters file, as
 * redelivered, until the holder records it handled, acknowledges a revision of that partition or
 * parks it again, so a crash in between redelivers it again (at least once).
 * <p>
 * Every group's files are read at open. A group file that cannot be read is logged and its group
 * refused (each call naming the file) while the others work. Thread-safe: one lock per group;
 * a file is written under it, so its group's calls wait for the disk.
 */
final class FileConsumerGroups implements ConsumerGroups {

	private static final Logger logger = LoggerFactory.getLogger(FileSystemBackend.class);

	/** Below the backend's own directory: the group files. */
	static final String DIRECTORY = "groups";

	/** The number of partitions of every group of a state directory. */
	static final int PARTITIONS = 16;

	private final Path directory;

	private final Path folder;

	private final AtomicFiles files;

	private final LongSupplier nanoClock;

	private final AtomicLong tokens = new AtomicLong();

	private final Map<String, Group> groups = new ConcurrentHashMap<>();

	/** Groups whose files cannot be read, and why. */
	private final Map<String, String> damaged = new ConcurrentHashMap<>();

	private volatile boolean closed;

	/**
	 * Opens the groups of a state directory: reads every group's files.
	 * @param directory the state directory, for messages
	 * @param meta the backend's own directory
	 * @param files the atomic file writer
	 * @param nanoClock the monotonic clock claims are measured on
	 * @throws StateStorageException when the folder cannot be created or listed
	 */
	FileConsumerGroups(Path directory, Path meta, AtomicFiles files, LongSupplier nanoClock) {
		this.directory = directory;
		this.folder = meta.resolve(DIRECTORY);
		this.files = files;
		this.nanoClock = nanoClock;
		List<Path> found = new ArrayList<>();
		try {
			AtomicFiles.createDirectory(this.folder);
			try (DirectoryStream<Path> stream = Files.newDirectoryStream(this.folder)) {
				for (Path file : stream) {
					String name = file.getFileName().toString();
					if (name.startsWith(".") && name.endsWith(AtomicFiles.TEMP_SUFFIX)) {
						Files.deleteIfExists(file); // a write a crash interrupted
					}
					else if (GroupFiles.groupOf(name) != null) {
						found.add(file);
					}
				}
			}
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot open the consumer groups " + relative(this.folder)
					+ " of state directory " + directory + ": " + ex.getClass().getSimpleName(), ex);
		}
		Collections.sort(found);
		for (Path file : found) {
			String name = GroupFiles.groupOf(file.getFileName().toString());
			try {
				this.groups.put(name, load(name));
			}
			catch (StateStorageException ex) {
				logger.warn("Consumer group '{}' is refused until its file is repaired: {}", name, ex.getMessage());
				this.damaged.put(name, ex.getMessage());
			}
		}
	}

	private Group load(String name) {
		String stem = GroupFiles.stem(name);
		Path progressFile = this.folder.resolve(stem + GroupFiles.PROGRESS);
		Path lettersFile = this.folder.resolve(stem + GroupFiles.LETTERS);
		GroupFiles.Progress progress;
		try {
			progress = GroupFiles.decodeProgress(Files.readAllBytes(progressFile), PARTITIONS);
		}
		catch (IOException | IllegalArgumentException ex) {
			throw unreadable(progressFile, ex);
		}
		if (!progress.group().equals(name)) {
			throw unreadable(progressFile, new IllegalArgumentException("it names another group"));
		}
		GroupFiles.Letters letters;
		try {
			letters = GroupFiles.decodeLetters(Files.readAllBytes(lettersFile), name, PARTITIONS);
		}
		catch (NoSuchFileException ex) {
			letters = new GroupFiles.Letters(1, new long[PARTITIONS], List.of());
		}
		catch (IOException | IllegalArgumentException ex) {
			throw unreadable(lettersFile, ex);
		}
		return new Group(name, progress.pattern(), progressFile, lettersFile, progress.cursors(), letters);
	}

	private StateStorageException unreadable(Path file, Exception ex) {
		String reason = (ex instanceof IllegalArgumentException) ? ex.getMessage() : ex.getClass().getSimpleName();
		return new StateStorageException("Cannot read the consumer group file " + relative(file) + " of state directory "
				+ this.directory + ": " + reason, ex);
	}

	private String relative(Path file) {
		return HistorySegment.relative(this.directory, file);
	}

	@Override
	public int partitions() {
		return PARTITIONS;
	}

	@Override
	public GroupMembership join(String group, String pattern, String member, long startRevision) {
		checkOpen();
		String problem = this.damaged.get(group);
		if (problem != null) {
			throw new StateStorageException(problem);
		}
		Group known;
		synchronized (this) {
			known = this.groups.get(group);
			if (known == null) {
				String stem = GroupFiles.stem(group);
				long[] cursors = new long[PARTITIONS];
				Arrays.fill(cursors, startRevision);
				Path progressFile = this.folder.resolve(stem + GroupFiles.PROGRESS);
				write(progressFile, GroupFiles.encodeProgress(new GroupFiles.Progress(group, pattern, cursors)));
				known = new Group(group, pattern, progressFile, this.folder.resolve(stem + GroupFiles.LETTERS), cursors,
						new GroupFiles.Letters(1, new long[PARTITIONS], List.of()));
				this.groups.put(group, known);
			}
		}
		if (!known.pattern.equals(pattern)) {
			throw new IllegalArgumentException("Consumer group '" + group + "' has the pattern '" + known.pattern
					+ "'; a member cannot join it with the pattern '" + pattern + "'");
		}
		synchronized (known) {
			known.leases.join(member);
		}
		return new Membership(known, member);
	}

	@Override
	public List<GroupInfo> groups() {
		checkOpen();
		List<GroupInfo> infos = new ArrayList<>();
		for (Group group : this.groups.values()) {
			synchronized (group) {
				List<Long> cursors = new ArrayList<>(PARTITIONS);
				for (int p = 0; p < PARTITIONS; p++) {
					cursors.add(group.cursor(p));
				}
				infos.add(new GroupInfo(group.name, group.pattern, group.leases.members(), cursors, group.parked()));
			}
		}
		infos.sort(Comparator.comparing(GroupInfo::group));
		return infos;
	}

	@Override
	public List<DeadLetterRecord> deadLetters(String group) {
		checkOpen();
		Group known = this.groups.get(group);
		if (known == null) {
			return List.of();
		}
		synchronized (known) {
			List<DeadLetterRecord> parked = new ArrayList<>();
			for (GroupFiles.Letter letter : known.letters) {
				if (!letter.redeliver()) {
					parked.add(letter.record());
				}
			}
			return parked;
		}
	}

	@Override
	public boolean redeliver(String group, String id) {
		return changeLetter(group, id, true);
	}

	@Override
	public boolean discard(String group, String id) {
		return changeLetter(group, id, false);
	}

	private boolean changeLetter(String group, String id, boolean redeliver) {
		checkOpen();
		Group known = this.groups.get(group);
		if (known == null) {
			return false;
		}
		synchronized (known) {
			List<GroupFiles.Letter> letters = new ArrayList<>(known.letters);
			for (int i = 0; i < letters.size(); i++) {
				GroupFiles.Letter letter = letters.get(i);
				if (letter.record().id().equals(id) && !letter.redeliver()) {
					if (redeliver) {
						letters.set(i, new GroupFiles.Letter(letter.record(), true));
					}
					else {
						letters.remove(i);
					}
					known.writeLetters(letters, known.letterCursors, known.nextId);
					return true;
				}
			}
			return false;
		}
	}

	/**
	 * The revision after which every group still needs the history: the lowest cursor of every
	 * group, damaged ones aside. Lock-free, so the history may ask under its own locks.
	 * @return it, or {@link Long#MAX_VALUE} without groups
	 */
	long heldAfter() {
		long floor = Long.MAX_VALUE;
		for (Group group : this.groups.values()) {
			floor = Math.min(floor, group.floor);
		}
		return floor;
	}

	/**
	 * Names the groups whose slowest partition has not handled a revision, for a warning.
	 * @param revision the revision
	 * @return their names, sorted
	 */
	List<String> behind(long revision) {
		List<String> names = new ArrayList<>();
		for (Group group : this.groups.values()) {
			if (group.floor < revision) {
				names.add(group.name);
			}
		}
		Collections.sort(names);
		return names;
	}

	/** Refuses further calls; the files are all written already. */
	void close() {
		this.closed = true;
	}

	private void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("The consumer groups of state directory " + this.directory + " are closed");
		}
	}

	private void write(Path file, byte[] bytes) {
		try {
			this.files.write(file, bytes);
		}
		catch (IOException | RuntimeException ex) {
			throw new StateStorageException("Cannot write the consumer group file " + relative(file)
					+ " of state directory " + this.directory + "; it is as it was: " + ex.getClass().getSimpleName(), ex);
		}
	}

	/** The ids of the redelivered letters a partition's holder took with its token. */
	private record Taken(long token, Set<String> ids) {
	}

	/** One group: its progress and letters as on disk, and its claims. Guarded by itself. */
	private final class Group {

		final String name;

		final String pattern;

		final Path progressFile;

		final Path lettersFile;

		long[] cursors;

		long[] letterCursors;

		List<GroupFiles.Letter> letters;

		long nextId;

		/**
		 * Redelivered letters a holder took, per partition: kept on disk until it acknowledges or
		 * parks them again; a new holder (another token) takes them again.
		 */
		final Map<Integer, Taken> taken = new HashMap<>();

		final PartitionLeases leases;

		/** The lowest cursor, for the history's retention. */
		volatile long floor;

		Group(String name, String pattern, Path progressFile, Path lettersFile, long[] cursors,
				GroupFiles.Letters letters) {
			this.name = name;
			this.pattern = pattern;
			this.progressFile = progressFile;
			this.lettersFile = lettersFile;
			this.cursors = cursors;
			this.letterCursors = letters.cursors();
			this.letters = List.copyOf(letters.letters());
			this.nextId = letters.nextId();
			this.leases = new PartitionLeases(PARTITIONS, FileConsumerGroups.this.tokens, FileConsumerGroups.this.nanoClock);
			updateFloor();
		}

		long cursor(int partition) {
			return Math.max(this.cursors[partition], this.letterCursors[partition]);
		}

		int parked() {
			int count = 0;
			for (GroupFiles.Letter letter : this.letters) {
				if (!letter.redeliver()) {
					count++;
				}
			}
			return count;
		}

		void updateFloor() {
			long floor = Long.MAX_VALUE;
			for (int p = 0; p < PARTITIONS; p++) {
				floor = Math.min(floor, cursor(p));
			}
			this.floor = floor;
		}

		/** Writes the letters file, then takes its content as the group's. */
		void writeLetters(List<GroupFiles.Letter> letters, long[] cursors, long nextId) {
			write(this.lettersFile, GroupFiles.encodeLetters(new GroupFiles.Letters(nextId, cursors, letters)));
			this.letters = List.copyOf(letters);
			this.letterCursors = cursors;
			this.nextId = nextId;
			updateFloor();
		}

		/** The ids of the letters a partition's holder took with a token. */
		Set<String> taken(int partition, long token) {
			Taken taken = this.taken.get(partition);
			return (taken != null && taken.token() == token) ? taken.ids() : Set.of();
		}

		/** The letters without those a partition's holder took (handled now). */
		List<GroupFiles.Letter> withoutTaken(int partition, Set<String> ids) {
			List<GroupFiles.Letter> kept = new ArrayList<>(this.letters.size());
			for (GroupFiles.Letter letter : this.letters) {
				if (!(letter.redeliver() && letter.record().partition() == partition && ids.contains(letter.record().id()))) {
					kept.add(letter);
				}
			}
			return kept;
		}

	}

	/** A member's hold on a group's partitions. */
	private final class Membership implements GroupMembership {

		private final Group group;

		private final String member;

		Membership(Group group, String member) {
			this.group = group;
			this.member = member;
		}

		@Override
		public List<PartitionClaim> claim(Duration claimTimeout, Set<Integer> keep, Set<Integer> skip) {
			checkOpen();
			synchronized (this.group) {
				Map<Integer, Long> held = this.group.leases.claim(this.member, claimTimeout, keep, skip);
				List<PartitionClaim> claims = new ArrayList<>(held.size());
				for (Map.Entry<Integer, Long> entry : held.entrySet()) {
					int partition = entry.getKey();
					claims.add(new PartitionClaim(partition, entry.getValue(), this.group.cursor(partition)));
				}
				return claims;
			}
		}

		@Override
		public boolean acknowledge(int partition, long token, long revision) {
			checkOpen();
			synchronized (this.group) {
				if (!this.group.leases.holds(this.member, partition, token)) {
					return false;
				}
				Set<String> taken = this.group.taken(partition, token);
				if (!taken.isEmpty()) {
					// the letters it took were handled before this revision's events
					long[] letterCursors = this.group.letterCursors.clone();
					if (revision > this.group.cursor(partition)) {
						letterCursors[partition] = revision;
					}
					this.group.writeLetters(this.group.withoutTaken(partition, taken), letterCursors, this.group.nextId);
					this.group.taken.remove(partition);
					return true;
				}
				if (revision <= this.group.cursor(partition)) {
					return true;
				}
				long[] cursors = this.group.cursors.clone();
				cursors[partition] = revision;
				write(this.group.progressFile,
						GroupFiles.encodeProgress(new GroupFiles.Progress(this.group.name, this.group.pattern, cursors)));
				this.group.cursors = cursors;
				this.group.updateFloor();
				return true;
			}
		}

		@Override
		public boolean deadLetter(int partition, long token, DeadLetterRecord letter, boolean acknowledge) {
			checkOpen();
			synchronized (this.group) {
				if (!this.group.leases.holds(this.member, partition, token)) {
					return false;
				}
				List<GroupFiles.Letter> letters = new ArrayList<>(this.group.letters.size() + 1);
				Set<String> taken = this.group.taken(partition, token);
				for (GroupFiles.Letter kept : this.group.letters) {
					// a taken letter parked again is replaced by the new one
					if (!(kept.redeliver() && kept.record().partition() == partition && taken.contains(kept.record().id())
							&& kept.record().id().equals(letter.id()))) {
						letters.add(kept);
					}
				}
				long id = this.group.nextId;
				letters.add(new GroupFiles.Letter(letter.stored(Long.toString(id), this.group.name, partition), false));
				long[] letterCursors = this.group.letterCursors;
				if (acknowledge && letter.revision() > this.group.cursor(partition)) {
					letterCursors = letterCursors.clone();
					letterCursors[partition] = letter.revision();
				}
				this.group.writeLetters(letters, letterCursors, id + 1);
				if (!taken.isEmpty()) {
					taken.remove(letter.id());
				}
				return true;
			}
		}

		@Override
		public List<DeadLetterRecord> takeRedeliveries(int partition, long token) {
			checkOpen();
			synchronized (this.group) {
				if (!this.group.leases.holds(this.member, partition, token)) {
					return List.of();
				}
				Taken held = this.group.taken.get(partition);
				if (held == null || held.token() != token) {
					held = new Taken(token, new HashSet<>());
					this.group.taken.put(partition, held);
				}
				Set<String> taken = held.ids();
				List<DeadLetterRecord> result = new ArrayList<>();
				for (GroupFiles.Letter letter : this.group.letters) {
					DeadLetterRecord record = letter.record();
					if (letter.redeliver() && record.partition() == partition && taken.add(record.id())) {
						result.add(record);
					}
				}
				return result;
			}
		}

		@Override
		public boolean redeliveryHandled(int partition, long token, String id) {
			checkOpen();
			synchronized (this.group) {
				if (!this.group.leases.holds(this.member, partition, token)) {
					return false;
				}
				Set<String> taken = this.group.taken(partition, token);
				if (taken.contains(id)) {
					this.group.writeLetters(this.group.withoutTaken(partition, Set.of(id)), this.group.letterCursors,
							this.group.nextId);
					taken.remove(id);
				}
				return true;
			}
		}

		@Override
		public void close() {
			if (FileConsumerGroups.this.closed) {
				return;
			}
			synchronized (this.group) {
				this.group.leases.leave(this.member);
			}
		}

	}

	@Override
	public String toString() {
		return "FileConsumerGroups[" + relative(this.folder) + "]";
	}

}
