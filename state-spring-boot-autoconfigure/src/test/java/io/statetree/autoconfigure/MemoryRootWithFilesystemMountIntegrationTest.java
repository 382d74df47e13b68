package io.statetree.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StatePath;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.spring.Derived;
import io.statetree.spring.OnStateChange;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole application: a memory root with a filesystem mount in a temporary directory, one
 * listener on {@code /}, and a derived value whose sources live on both backends.
 */
@SpringBootTest(classes = MemoryRootWithFilesystemMountIntegrationTest.Application.class)
class MemoryRootWithFilesystemMountIntegrationTest {

	@TempDir
	static Path directory;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("statetree.mounts.persistent.path", () -> "/persistent");
		registry.add("statetree.mounts.persistent.backend", () -> "filesystem");
		registry.add("statetree.mounts.persistent.filesystem.directory", () -> directory.toString());
		registry.add("statetree.listeners.on-error", () -> "rethrow");
	}

	@Autowired
	StateController controller;

	@Autowired
	RootListener rootListener;

	@Test
	void oneListenerOnTheRootHearsBothBackendsAndADerivationSpansThem() {
		HybridBackend backend = (HybridBackend) this.controller.backend();
		assertThat(backend.root()).isInstanceOf(InMemoryBackend.class);
		assertThat(backend.mounts().get(StatePath.of("/persistent"))).isInstanceOf(FileSystemBackend.class);
		assertThat(this.controller.get("/total")).isEqualTo(0);
		this.rootListener.heard.clear();

		this.controller.set("/persistent/visits", 3);
		this.controller.set("/volatile/visits", 4);

		assertThat(directory.resolve("visits.json")).exists();
		assertThat(this.controller.get("/total")).isEqualTo(7);
		// each write commits together with the derived total it changes
		assertThat(this.rootListener.heard).containsExactly("/persistent/visits", "/total", "/volatile/visits",
				"/total");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ RootListener.class, Totals.class })
	static class Application {

	}

	static class RootListener {

		final List<String> heard = new CopyOnWriteArrayList<>();

		@OnStateChange("/")
		void changed(StateEvent event) {
			if (event.path().isRoot()) {
				this.heard.add(event.emittingPath().toString());
			}
		}

	}

	static class Totals {

		@Derived(path = "/total", sources = { "/persistent/visits", "/volatile/visits" })
		int total(@Nullable Integer persistentVisits, @Nullable Integer volatileVisits) {
			return ((persistentVisits != null) ? persistentVisits : 0) + ((volatileVisits != null) ? volatileVisits : 0);
		}

	}

}
