package io.statetree.core.backend;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.WriteOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A CI run's finding (ConcurrentLifetimesWorkloadTest, CACHING_THROUGH_FILES: "read w3-13 ... 1 ms
 * after its due time"): a write-through near cache over files showed an expired value while the
 * expiry commit that deleted it was between the delegate's commit, which drops the value's due time,
 * and the copy's update, so nothing was left to hide the copy's value. Here a read runs on another
 * thread exactly in that window (a delegate that reads through the cache right after its expiry
 * commit): it must not see the value, past its due time.
 */
class CachingExpiryReadRaceTest {

	@TempDir
	Path dir;

	/** Files, with a hook run after each expiry commit the files made. */
	static final class HookedFiles implements StateBackend {

		final FileSystemBackend files;

		volatile @Nullable Runnable afterExpiry;

		HookedFiles(FileSystemBackend files) {
			this.files = files;
		}

		@Override
		public @Nullable Object read(StatePath path) {
			return this.files.read(path);
		}

		@Override
		public List<String> childNames(StatePath path) {
			return this.files.childNames(path);
		}

		@Override
		public CommitResult commit(CommitRequest request) {
			CommitResult result = this.files.commit(request);
			Runnable hook = this.afterExpiry;
			if (request.expiry() && hook != null) {
				hook.run();
			}
			return result;
		}

		@Override
		public long revision() {
			return this.files.revision();
		}

		@Override
		public @Nullable ExpiringEntries expiringEntries() {
			return this.files.expiringEntries();
		}

		@Override
		public void close() {
			this.files.close();
		}

	}

	@Test
	void aReadBetweenTheDelegatesExpiryCommitAndTheCopysUpdateDoesNotShowTheExpiredValue() throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000_000_000L);
		HookedFiles files = new HookedFiles(VirtualTimeBackends.files(this.dir, clock::get));
		CachingBackend cache = VirtualTimeBackends.caching(files, CachePolicy.defaults(), clock::get);
		try (StateController c = StateController.builder().backend(cache).build()) {
			c.set("/k", "v", WriteOptions.ttl(Duration.ofMillis(10)));
			assertThat(c.get("/k")).isEqualTo("v");
			assertThat(cache.read(StatePath.of("/k"))).as("the copy holds it").isEqualTo("v");
			AtomicReference<Object> inTheWindow = new AtomicReference<>("not read");
			files.afterExpiry = () -> {
				// another thread: a read that waits for the commit's lock is as good as one after it
				CompletableFuture<@Nullable Object> read = CompletableFuture
					.supplyAsync(() -> cache.read(StatePath.of("/k")));
				try {
					inTheWindow.set(String.valueOf(read.get(500, TimeUnit.MILLISECONDS)));
				}
				catch (TimeoutException ex) {
					inTheWindow.set("waited for the commit");
				}
				catch (Exception ex) {
					inTheWindow.set(ex.toString());
				}
			};
			clock.addAndGet(Duration.ofMillis(20).toNanos());
			// a write sweeps what is due first: the expiry commit of /k
			c.set("/other", 1);
			files.afterExpiry = null;
			assertThat(inTheWindow.get()).as("a read during the expiry commit, past the due time")
				.isIn("null", "waited for the commit");
			assertThat(c.get("/k")).isNull();
			assertThat(c.history(0, 100).stream().filter((commit) -> commit.expiry()).count()).isEqualTo(1);
		}
	}

}
