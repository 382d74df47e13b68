package io.statetree.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.statetree.core.StateController;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * Configuration properties for StateTree ({@code statetree.*}).
 */
@ConfigurationProperties("statetree")
public class StateTreeProperties {

	/**
	 * Backend that stores the tree (outside of mounts).
	 */
	private BackendType backend = BackendType.MEMORY;

	/**
	 * Identifier of this instance, reported as the origin of its changes. When not set, a random
	 * UUID.
	 */
	private @Nullable String instanceId;

	/**
	 * Location of a JSON document loaded into the tree at start-up when the tree is empty: an
	 * object written at the root, or a snapshot (an object with exactly the keys path, revision
	 * and value, as StateController.snapshot gives) restored at its path.
	 */
	private @Nullable Resource initialState;

	private final Filesystem filesystem = new Filesystem();

	private final Redis redis = new Redis();

	private final Cache cache = new Cache();

	private final Listeners listeners = new Listeners();

	private final History history = new History();

	/**
	 * Subtrees stored by their own backend, keyed by a name of your choice. Each mount sets
	 * 'path' (where the subtree is attached, such as /persistent), 'backend' (memory, filesystem
	 * or redis) and that backend's own settings: 'filesystem.directory', 'filesystem.format',
	 * 'filesystem.fsync' or 'redis.namespace'. Mount paths may neither repeat nor contain one
	 * another.
	 */
	private final Map<String, Mount> mounts = new LinkedHashMap<>();

	/**
	 * Returns the root backend type.
	 * @return the backend type
	 */
	public BackendType getBackend() {
		return this.backend;
	}

	/**
	 * Sets the root backend type.
	 * @param backend the backend type
	 */
	public void setBackend(BackendType backend) {
		this.backend = backend;
	}

	/**
	 * Returns the instance id.
	 * @return the id, or {@code null} for a random one
	 */
	public @Nullable String getInstanceId() {
		return this.instanceId;
	}

	/**
	 * Sets the instance id.
	 * @param instanceId the id, or {@code null} for a random one
	 */
	public void setInstanceId(@Nullable String instanceId) {
		this.instanceId = instanceId;
	}

	/**
	 * Returns the initial state resource.
	 * @return the resource, or {@code null}
	 */
	public @Nullable Resource getInitialState() {
		return this.initialState;
	}

	/**
	 * Sets the initial state resource.
	 * @param initialState the resource, or {@code null}
	 */
	public void setInitialState(@Nullable Resource initialState) {
		this.initialState = initialState;
	}

	/**
	 * Returns the settings of the root filesystem backend.
	 * @return the settings
	 */
	public Filesystem getFilesystem() {
		return this.filesystem;
	}

	/**
	 * Returns the settings of the Redis backend.
	 * @return the settings
	 */
	public Redis getRedis() {
		return this.redis;
	}

	/**
	 * Returns the settings of the near cache.
	 * @return the settings
	 */
	public Cache getCache() {
		return this.cache;
	}

	/**
	 * Returns the settings of listener dispatch.
	 * @return the settings
	 */
	public Listeners getListeners() {
		return this.listeners;
	}

	public History getHistory() {
		return this.history;
	}

	/**
	 * Returns the mounts by name, in declaration order.
	 * @return the mounts
	 */
	public Map<String, Mount> getMounts() {
		return this.mounts;
	}

	/**
	 * Settings of a filesystem backend.
	 */
	public static class Filesystem {

		/**
		 * Directory holding the tree, created when missing. Required by the filesystem backend.
		 */
		private @Nullable Path directory;

		/**
		 * Format of the files.
		 */
		private Format format = Format.JSON;

		/**
		 * Whether each commit is made durable on the storage device (fsync) before it completes.
		 */
		private boolean fsync = true;

		/**
		 * Returns the directory.
		 * @return the directory, or {@code null} when not set
		 */
		public @Nullable Path getDirectory() {
			return this.directory;
		}

		/**
		 * Sets the directory.
		 * @param directory the directory
		 */
		public void setDirectory(@Nullable Path directory) {
			this.directory = directory;
		}

		/**
		 * Returns the file format.
		 * @return the format
		 */
		public Format getFormat() {
			return this.format;
		}

		/**
		 * Sets the file format.
		 * @param format the format
		 */
		public void setFormat(Format format) {
			this.format = format;
		}

		/**
		 * Returns whether files are forced to the device.
		 * @return whether to fsync
		 */
		public boolean isFsync() {
			return this.fsync;
		}

		/**
		 * Sets whether files are forced to the device.
		 * @param fsync whether to fsync
		 */
		public void setFsync(boolean fsync) {
			this.fsync = fsync;
		}

	}

	/**
	 * File formats of the filesystem backend.
	 */
	public enum Format {

		/** One {@code .json} file per value. */
		JSON,

		/** One {@code .yaml} file per value (needs jackson-dataformat-yaml). */
		YAML

	}

	/**
	 * Settings of the Redis backend.
	 */
	public static class Redis {

		/**
		 * Prefix of every key, kept in one cluster slot.
		 */
		private String namespace = "statetree";

		/**
		 * Number of changes kept in the change feed for instances catching up after a lost
		 * connection. The stream is shared: each commit trims it to its writer's retention, so
		 * the smallest retention among the instances of a namespace wins.
		 */
		private long feedRetention = 10_000;

		/**
		 * Largest value, in bytes of JSON, that one write may store.
		 */
		private long maxValueBytes = 16_777_216;

		/**
		 * How long this instance's ephemeral entries outlive it once it stops renewing its lease
		 * (a crash included): a surviving instance then deletes them. Renewed every third of it.
		 */
		private Duration leaseTimeout = Duration.ofSeconds(10);

		/**
		 * Returns the namespace.
		 * @return the namespace
		 */
		public String getNamespace() {
			return this.namespace;
		}

		/**
		 * Sets the namespace.
		 * @param namespace the namespace
		 */
		public void setNamespace(String namespace) {
			this.namespace = namespace;
		}

		/**
		 * Returns how many changes the feed keeps.
		 * @return the retention
		 */
		public long getFeedRetention() {
			return this.feedRetention;
		}

		/**
		 * Sets how many changes the feed keeps.
		 * @param feedRetention the retention
		 */
		public void setFeedRetention(long feedRetention) {
			this.feedRetention = feedRetention;
		}

		/**
		 * Returns the largest value one write may store.
		 * @return the limit in bytes
		 */
		public long getMaxValueBytes() {
			return this.maxValueBytes;
		}

		/**
		 * Sets the largest value one write may store.
		 * @param maxValueBytes the limit in bytes
		 */
		public void setMaxValueBytes(long maxValueBytes) {
			this.maxValueBytes = maxValueBytes;
		}

		public Duration getLeaseTimeout() {
			return this.leaseTimeout;
		}

		public void setLeaseTimeout(Duration leaseTimeout) {
			this.leaseTimeout = leaseTimeout;
		}

	}

	/**
	 * Settings of the near cache in front of filesystem and Redis backends.
	 */
	public static class Cache {

		/**
		 * Whether to keep an in-memory copy in front of every filesystem and Redis backend (the
		 * root's and the mounts'). Memory backends are never cached. By default the cache writes
		 * through: it only speeds up reads.
		 */
		private boolean enabled;

		/**
		 * How often pending writes are flushed in the background. When not set, pending writes
		 * are flushed only when a later commit, a read (with flush-on-read) or the shutdown
		 * flushes them.
		 */
		private @Nullable Duration flushInterval;

		/**
		 * Whether a commit that writes values is written to the backend before it returns. When
		 * off, such commits are written behind (not allowed in front of Redis).
		 */
		private boolean flushOnWrite = true;

		/**
		 * Whether a read first flushes pending writes.
		 */
		private boolean flushOnRead;

		/**
		 * Whether a commit that deletes is written to the backend before it returns. When off,
		 * such commits are written behind (not allowed in front of Redis).
		 */
		private boolean flushOnDelete = true;

		/**
		 * Returns whether the cache is enabled.
		 * @return whether enabled
		 */
		public boolean isEnabled() {
			return this.enabled;
		}

		/**
		 * Sets whether the cache is enabled.
		 * @param enabled whether enabled
		 */
		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		/**
		 * Returns the flush interval.
		 * @return the interval, or {@code null} for no background flush
		 */
		public @Nullable Duration getFlushInterval() {
			return this.flushInterval;
		}

		/**
		 * Sets the flush interval.
		 * @param flushInterval the interval, or {@code null} for no background flush
		 */
		public void setFlushInterval(@Nullable Duration flushInterval) {
			this.flushInterval = flushInterval;
		}

		/**
		 * Returns whether writes trigger a flush.
		 * @return whether writes flush
		 */
		public boolean isFlushOnWrite() {
			return this.flushOnWrite;
		}

		/**
		 * Sets whether writes trigger a flush.
		 * @param flushOnWrite whether writes flush
		 */
		public void setFlushOnWrite(boolean flushOnWrite) {
			this.flushOnWrite = flushOnWrite;
		}

		/**
		 * Returns whether reads trigger a flush.
		 * @return whether reads flush
		 */
		public boolean isFlushOnRead() {
			return this.flushOnRead;
		}

		/**
		 * Sets whether reads trigger a flush.
		 * @param flushOnRead whether reads flush
		 */
		public void setFlushOnRead(boolean flushOnRead) {
			this.flushOnRead = flushOnRead;
		}

		/**
		 * Returns whether deletes trigger a flush.
		 * @return whether deletes flush
		 */
		public boolean isFlushOnDelete() {
			return this.flushOnDelete;
		}

		/**
		 * Sets whether deletes trigger a flush.
		 * @param flushOnDelete whether deletes flush
		 */
		public void setFlushOnDelete(boolean flushOnDelete) {
			this.flushOnDelete = flushOnDelete;
		}

	}

	/**
	 * Settings of listener dispatch.
	 */
	public static class Listeners {

		/**
		 * How listeners are called: on the writing thread after the commit (sync), or on an
		 * executor (async), in revision order either way.
		 */
		private StateController.Dispatch dispatch = StateController.Dispatch.SYNC;

		/**
		 * What happens when a listener throws: log it and go on (log), or rethrow it to the
		 * writer after the other listeners ran (rethrow, for tests).
		 */
		private StateController.OnError onError = StateController.OnError.LOG;

		/**
		 * Capacity of each listener's own queue of undelivered events. A writer that finds a
		 * listener's queue full waits up to offer-timeout; then that listener's queued events
		 * are replaced by one resync event, and the overflow is logged and counted.
		 */
		private int queueCapacity = 10_000;

		/**
		 * How long a writer waits for room in a full listener queue before that listener's
		 * backlog is replaced by one resync event.
		 */
		private Duration offerTimeout = Duration.ofSeconds(1);

		/**
		 * Returns the dispatch mode.
		 * @return the mode
		 */
		public StateController.Dispatch getDispatch() {
			return this.dispatch;
		}

		/**
		 * Sets the dispatch mode.
		 * @param dispatch the mode
		 */
		public void setDispatch(StateController.Dispatch dispatch) {
			this.dispatch = dispatch;
		}

		/**
		 * Returns the error policy.
		 * @return the policy
		 */
		public StateController.OnError getOnError() {
			return this.onError;
		}

		/**
		 * Sets the error policy.
		 * @param onError the policy
		 */
		public void setOnError(StateController.OnError onError) {
			this.onError = onError;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		public Duration getOfferTimeout() {
			return this.offerTimeout;
		}

		public void setOfferTimeout(Duration offerTimeout) {
			this.offerTimeout = offerTimeout;
		}

	}

	/**
	 * Settings of the commit history (DESIGN §11).
	 */
	public static class History {

		/**
		 * Number of most recent commits kept, with their old and new values, for history reads,
		 * watches from a revision and the changes endpoint: in memory, or in the filesystem
		 * backend's directory (Redis keeps its change stream: redis.feed-retention). 0 keeps none.
		 */
		private int size = 1_000;

		public int getSize() {
			return this.size;
		}

		public void setSize(int size) {
			this.size = size;
		}

	}

	/**
	 * A subtree stored by its own backend.
	 */
	public static class Mount {

		/**
		 * Path where the subtree is attached, such as /persistent.
		 */
		private @Nullable String path;

		/**
		 * Backend that stores the subtree.
		 */
		private @Nullable BackendType backend;

		private final Filesystem filesystem = new Filesystem();

		private final MountRedis redis = new MountRedis();

		/**
		 * Returns the mount path.
		 * @return the path, or {@code null} when not set
		 */
		public @Nullable String getPath() {
			return this.path;
		}

		/**
		 * Sets the mount path.
		 * @param path the path
		 */
		public void setPath(@Nullable String path) {
			this.path = path;
		}

		/**
		 * Returns the backend type.
		 * @return the type, or {@code null} when not set
		 */
		public @Nullable BackendType getBackend() {
			return this.backend;
		}

		/**
		 * Sets the backend type.
		 * @param backend the type
		 */
		public void setBackend(@Nullable BackendType backend) {
			this.backend = backend;
		}

		/**
		 * Returns the settings of the mount's filesystem backend.
		 * @return the settings
		 */
		public Filesystem getFilesystem() {
			return this.filesystem;
		}

		/**
		 * Returns the settings of the mount's Redis backend.
		 * @return the settings
		 */
		public MountRedis getRedis() {
			return this.redis;
		}

	}

	/**
	 * Settings of a mount's Redis backend; the feed retention and value limit are the root's.
	 */
	public static class MountRedis {

		/**
		 * Prefix of the mount's keys. When not set, the root namespace, a colon and the mount's
		 * name.
		 */
		private @Nullable String namespace;

		/**
		 * Returns the namespace.
		 * @return the namespace, or {@code null} for the default
		 */
		public @Nullable String getNamespace() {
			return this.namespace;
		}

		/**
		 * Sets the namespace.
		 * @param namespace the namespace
		 */
		public void setNamespace(@Nullable String namespace) {
			this.namespace = namespace;
		}

	}

}
