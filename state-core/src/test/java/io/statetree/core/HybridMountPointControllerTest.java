package io.statetree.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A mount point through the controller: always a branch, so a leaf there is refused before any
 * backend is written; deleting it empties the mount; and the events of an empty mount carry what
 * reads return (absent), before and after.
 */
class HybridMountPointControllerTest {

	@TempDir
	Path directory;

	final InMemoryBackend root = new InMemoryBackend();

	final InMemoryBackend cache = new InMemoryBackend();

	FileSystemBackend files;

	StateController controller;

	@BeforeEach
	void open() {
		this.files = FileSystemBackend.builder(this.directory).fsync(false).build();
		this.controller = StateController.create(new HybridBackend(this.root).mount("/persistent", this.files)
			.mount("/cache", this.cache));
	}

	@AfterEach
	void close() throws Exception {
		this.controller.close();
	}

	@Test
	void aLeafAtAMountPointIsRefusedNamingItAndNothingIsWritten() {
		assertThatThrownBy(() -> this.controller.set("/persistent", "secret-value")).isInstanceOf(StateWriteException.class)
			.hasMessageContaining("/persistent")
			.hasMessageContaining("mount point")
			.hasMessageNotContaining("secret-value");
		assertThatThrownBy(() -> this.controller.batch(() -> {
			this.controller.set("/local", 1);
			this.controller.set("/cache/x", 2);
			this.controller.set("/persistent", 5);
		})).isInstanceOf(StateWriteException.class).hasMessageContaining("/persistent");
		assertThatThrownBy(() -> this.controller.set("/", Map.of("local", 1, "persistent", List.of(1))))
			.isInstanceOf(StateWriteException.class)
			.hasMessageContaining("/persistent");
		assertThat(this.controller.get("/")).isEqualTo(Map.of());
		assertThat(this.root.read(StatePath.ROOT)).isEqualTo(Map.of());
		assertThat(this.cache.read(StatePath.ROOT)).isEqualTo(Map.of());
		assertThat(this.files.read(StatePath.ROOT)).isEqualTo(Map.of());
		assertThat(this.controller.revision()).isZero();
	}

	@Test
	void aWriteALaterMountRefusesLeavesTheEarlierMountsUnwritten() {
		this.controller.set("/cache/leaf", 1);
		assertThatThrownBy(() -> this.controller.batch(() -> {
			this.controller.set("/local", 1);
			this.controller.set("/persistent/p", 2);
			this.controller.set("/cache/leaf/below", 3);
		})).isInstanceOf(StateWriteException.class).hasMessageContaining("/cache");
		assertThat(this.controller.get("/")).isEqualTo(Map.of("cache", Map.of("leaf", 1)));
		assertThat(this.files.read(StatePath.ROOT)).isEqualTo(Map.of());
	}

	@Test
	void anEmptyMountsEventsCarryWhatReadsReturn() {
		List<StateEvent> events = new ArrayList<>();
		this.controller.subscribe("/persistent", events::add);
		Object before = this.controller.get("/persistent");
		this.controller.set("/persistent", Map.of("a", 1));
		assertThat(before).isNull();
		assertThat(events).hasSize(1);
		assertThat(events.get(0).prevValue()).isEqualTo(before);
		assertThat(events.get(0).newValue()).isEqualTo(this.controller.get("/persistent")).isEqualTo(Map.of("a", 1));
		events.clear();
		this.controller.batch(() -> {
			this.controller.set("/local", 1);
			this.controller.delete("/persistent");
		});
		assertThat(this.files.read(StatePath.ROOT)).isEqualTo(Map.of());
		assertThat(this.controller.get("/persistent")).isNull();
		assertThat(events).hasSize(1);
		assertThat(events.get(0).prevValue()).isEqualTo(Map.of("a", 1));
		assertThat(events.get(0).newValue()).isNull();
		events.clear();
		// an empty branch written at the absent mount point creates it, as on every backend
		assertThat(this.controller.set("/persistent", Map.of())).isTrue();
		assertThat(this.controller.get("/persistent")).isEqualTo(Map.of());
		assertThat(events).hasSize(1);
		assertThat(events.get(0).prevValue()).isNull();
		assertThat(events.get(0).newValue()).isEqualTo(Map.of());
		events.clear();
		assertThat(this.controller.set("/persistent", Map.of())).isFalse();
		assertThat(events).isEmpty();
		this.controller.set("/persistent/a", 1);
		events.clear();
		// emptied, not deleted: it reads {} and its event carries {}
		assertThat(this.controller.delete("/persistent/a")).isTrue();
		assertThat(this.controller.get("/persistent")).isEqualTo(Map.of());
		assertThat(events).hasSize(1);
		assertThat(events.get(0).emittingPath()).isEqualTo(StatePath.of("/persistent/a"));
		assertThat(events.get(0).get("/persistent")).isEqualTo(Map.of());
	}

}
