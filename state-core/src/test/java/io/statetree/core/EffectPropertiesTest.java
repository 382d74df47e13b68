package io.statetree.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;

/**
 * {@link EffectScenarios} on the memory, filesystem, hybrid and caching backends, in both
 * dispatch modes: effects never observe a combination of values that never existed, and after
 * concurrent writers (and the effects' own writes) settle, each effect's last run saw the final
 * state. The same property runs on Redis in state-redis.
 */
class EffectPropertiesTest {

	private final List<Path> directories = new ArrayList<>();

	@Provide
	Arbitrary<EffectScenarios.Scenario> scenarios() {
		return EffectScenarios.scenarios();
	}

	@Property(tries = 40)
	void memory(@ForAll("scenarios") EffectScenarios.Scenario scenario) throws Exception {
		EffectScenarios.check(scenario, EffectScenarios.on(InMemoryBackend::new));
	}

	@Property(tries = 20)
	void fileSystem(@ForAll("scenarios") EffectScenarios.Scenario scenario) throws Exception {
		EffectScenarios.check(scenario, EffectScenarios.on(() -> FileSystemBackend.builder(directory()).fsync(false).build()));
	}

	@Property(tries = 20)
	void hybrid(@ForAll("scenarios") EffectScenarios.Scenario scenario) throws Exception {
		// the sources on files, the derived values in memory: commits span both
		EffectScenarios.check(scenario, EffectScenarios.on(() -> new HybridBackend(new InMemoryBackend())
			.mount("/p", FileSystemBackend.builder(directory()).fsync(false).build())));
	}

	@Property(tries = 20)
	void caching(@ForAll("scenarios") EffectScenarios.Scenario scenario) throws Exception {
		EffectScenarios.check(scenario, EffectScenarios.on(() -> new CachingBackend(
				FileSystemBackend.builder(directory()).fsync(false).build(), CachePolicy.defaults())));
	}

	private Path directory() {
		try {
			Path directory = Files.createTempDirectory("statetree-effects");
			this.directories.add(directory);
			return directory;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@AfterTry
	void deleteDirectories() throws IOException {
		for (Path directory : this.directories) {
			try (Stream<Path> files = Files.walk(directory)) {
				for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(file);
				}
			}
		}
		this.directories.clear();
	}

}
