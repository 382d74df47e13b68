package io.statetree.spring;

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
 * The public surface of {@code io.statetree.spring} is the annotations, the customizer, the
 * start-up exception and what the auto-configuration wires (DESIGN §1, §9); the annotation
 * processing behind them is package-private, with no {@code internal} package left.
 */
class SpringPackageTest {

	@Test
	void onlyTheProgrammingModelIsPublic() throws Exception {
		assertThat(publicTopLevelClasses(packageDirectory())).containsExactly("Derived",
				"InvalidStateMethodException", "OldValue", "OnStateChange", "PathVar", "StateControllerCustomizer",
				"StateTreeAnnotationBeanPostProcessor", "StateTreeRedisConnectionFactory");
	}

	@Test
	void theAnnotationProcessingIsHereAndPackagePrivate() throws Exception {
		for (Class<?> helper : List.of(BeanMethod.class, DerivedMethod.class, MethodArgumentConverter.class,
				Methods.class, StateMethodListener.class)) {
			assertThat(Modifier.isPublic(helper.getModifiers())).as(helper.getName()).isFalse();
		}
		assertThat(packageDirectory().resolve("internal")).doesNotExist();
	}

	private static Path packageDirectory() throws URISyntaxException {
		return Path.of(OnStateChange.class.getResource("OnStateChange.class").toURI()).getParent();
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
			Class<?> type = Class.forName(OnStateChange.class.getPackageName() + "." + name);
			if (Modifier.isPublic(type.getModifiers())) {
				result.add(name);
			}
		}
		return result;
	}

}
