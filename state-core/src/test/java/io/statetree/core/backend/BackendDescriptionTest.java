package io.statetree.core.backend;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests {@link StateBackend#description()}: each backend tells its type, settings, the backend
 * behind it and the backends it is composed of, so tools never look at its class. (Redis is tested
 * in the autoconfigure module, against a real server.)
 */
class BackendDescriptionTest {

	@Test
	void memoryIsAStoreWithoutAFeed() {
		BackendDescription description = new InMemoryBackend().description();
		assertThat(description.type()).isEqualTo("memory");
		assertThat(description.details()).containsEntry("type", "memory");
		assertThat(description.delegate()).isNull();
		assertThat(description.mounts()).isEmpty();
		assertThat(description.feedLagMillis()).isNull();
	}

	@Test
	void filesAreAStoreWithTheirDirectory(@TempDir Path directory) {
		try (FileSystemBackend files = FileSystemBackend.builder(directory).fsync(false).build()) {
			BackendDescription description = files.description();
			assertThat(description.type()).isEqualTo("filesystem");
			assertThat(description.details()).containsEntry("directory", directory.toString())
				.containsEntry("format", "json");
			assertThat(description.delegate()).isNull();
			assertThat(description.mounts()).isEmpty();
			assertThat(description.feedLagMillis()).isNull();
		}
	}

	@Test
	void aCacheNamesTheBackendBehindIt() {
		InMemoryBackend store = new InMemoryBackend();
		try (CachingBackend cache = new CachingBackend(store, CachePolicy.defaults())) {
			BackendDescription description = cache.description();
			assertThat(description.type()).isEqualTo("caching");
			assertThat(description.delegate()).isSameAs(store);
			assertThat(description.details()).containsKeys("policy", "delegate");
			assertThat(description.mounts()).isEmpty();
			assertThat(description.feedLagMillis()).isNull();
		}
	}

	@Test
	void aHybridListsItsRootFirstThenItsMounts(@TempDir Path directory) {
		InMemoryBackend root = new InMemoryBackend();
		InMemoryBackend users = new InMemoryBackend();
		try (FileSystemBackend files = FileSystemBackend.builder(directory).fsync(false).build()) {
			CachingBackend cachedFiles = new CachingBackend(files, CachePolicy.defaults());
			HybridBackend hybrid = new HybridBackend(root).mount("/users", users).mount("/persistent", cachedFiles);
			BackendDescription description;
			try (hybrid) {
				description = hybrid.description();
			}
			assertThat(description.type()).isEqualTo("hybrid");
			assertThat(description.delegate()).isNull();
			assertThat(description.feedLagMillis()).isNull();
			assertThat(description.mounts()).extracting(BackendDescription.Mount::mountPoint)
				.first()
				.isEqualTo(StatePath.ROOT);
			assertThat(description.mounts()).containsExactlyInAnyOrder(
					new BackendDescription.Mount(StatePath.ROOT, root),
					new BackendDescription.Mount(StatePath.of("/users"), users),
					new BackendDescription.Mount(StatePath.of("/persistent"), cachedFiles));
			assertThat(description.details()).containsKeys("root", "mounts");
		}
	}

	@Test
	void aBackendThatNamesNoTypeIsNamedByItsClass() {
		BackendDescription description = new Unnamed().description();
		assertThat(description.type()).isEqualTo("Unnamed");
		assertThat(description.details()).containsExactly(Map.entry("setting", 1));
	}

	@Test
	void aDescriptionIsACopy() {
		Map<String, Object> details = new HashMap<>(Map.of("type", "x"));
		List<BackendDescription.Mount> mounts = new ArrayList<>();
		BackendDescription description = new BackendDescription("x", details, null, mounts, 5L);
		details.put("more", 1);
		mounts.add(new BackendDescription.Mount(StatePath.ROOT, new InMemoryBackend()));
		assertThat(description.details()).containsOnlyKeys("type");
		assertThat(description.mounts()).isEmpty();
		assertThat(description.feedLagMillis()).isEqualTo(5L);
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> description.details().put("other", 2));
	}

	/** A backend whose description names settings but no type. */
	private static final class Unnamed extends ForwardingBackend {

		Unnamed() {
			super(false);
		}

		@Override
		public Map<String, Object> describe() {
			return Map.of("setting", 1);
		}

	}

}
