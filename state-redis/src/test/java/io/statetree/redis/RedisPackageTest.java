package io.statetree.redis;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis module's public surface is {@link RedisBackend} alone (DESIGN §1): its helpers are
 * package-private, and there is no {@code internal} package left to leak through.
 */
class RedisPackageTest {

	@Test
	void onlyRedisBackendIsPublic() throws Exception {
		assertThat(publicTopLevelClasses(packageDirectory())).containsExactly("RedisBackend");
	}

	@Test
	void theHelpersAreHereAndPackagePrivate() throws Exception {
		for (Class<?> helper : List.of(ChangeFeed.class, Keys.class, RedisCalls.class, Scripts.class,
				TreeCodec.class)) {
			assertThat(Modifier.isPublic(helper.getModifiers())).as(helper.getName()).isFalse();
		}
		assertThat(packageDirectory().resolve("internal")).doesNotExist();
	}

	@Test
	void theScriptsLoadFromThisPackage() {
		assertThat(Scripts.COMMIT.source()).isNotBlank();
		assertThat(Scripts.READ.source()).isNotBlank();
		assertThat(Scripts.POSITION.source()).isNotBlank();
		assertThat(Scripts.class.getResource("commit.lua")).isNotNull();
	}

	private static Path packageDirectory() throws URISyntaxException {
		return Path.of(RedisBackend.class.getResource("RedisBackend.class").toURI()).getParent();
	}

	private static List<String> publicTopLevelClasses(Path directory) throws IOException, ClassNotFoundException {
		List<String> names;
		try (Stream<Path> files = Files.list(directory)) {
			names = files.map((file) -> file.getFileName().toString())
				.filter((name) -> name.endsWith(".class") && !name.contains("$") && !name.equals("package-info.class"))
				.map((name) -> name.substring(0, name.length() - ".class".length()))
				.sorted()
				.toList();
		}
		List<String> result = new ArrayList<>();
		for (String name : names) {
			Class<?> type = Class.forName(RedisBackend.class.getPackageName() + "." + name);
			if (Modifier.isPublic(type.getModifiers())) {
				result.add(name);
			}
		}
		return result;
	}

}
