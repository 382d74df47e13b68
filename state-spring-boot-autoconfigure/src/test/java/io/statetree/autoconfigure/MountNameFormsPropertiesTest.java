package io.statetree.autoconfigure;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.statetree.core.StateController;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Mount names that differ only by relaxed-binding form are one mount (README "Mounts"): a mount
 * named in camelCase or kebab-case in the application's properties, its path overridden by the
 * environment variable Boot maps it to, starts with one mount at the environment's path; two forms
 * of one name bound to different settings fail naming both and the lower-case kebab-case advice.
 */
class MountNameFormsPropertiesTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StateTreeAutoConfiguration.class));

	@Provide
	Arbitrary<List<String>> words() {
		return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6).list().ofMinSize(1)
			.ofMaxSize(3);
	}

	@Property(tries = 25)
	void anEnvironmentVariableOverridesAMountNamedInAnyForm(@ForAll("words") List<String> words,
			@ForAll boolean kebab) {
		StringBuilder declared = new StringBuilder(words.get(0));
		for (String word : words.subList(1, words.size())) {
			if (kebab) {
				declared.append('-').append(word);
			}
			else {
				declared.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
			}
		}
		String name = declared.toString();
		String variable = "STATETREE_MOUNTS_" + String.join("", words).toUpperCase(Locale.ROOT) + "_PATH";
		this.runner
			.withPropertyValues("statetree.mounts." + name + ".path=/declared",
					"statetree.mounts." + name + ".backend=memory")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource(
						StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(variable, "/overridden"))))
			.run((context) -> {
				assertThat(context).as("%s with %s", name, variable).hasNotFailed();
				StateController state = context.getBean(StateController.class);
				String mounts = String.valueOf(state.backend().describe());
				assertThat(mounts).as("mounts of %s with %s", name, variable)
					.contains("/overridden")
					.doesNotContain("/declared");
				state.set("/overridden/a", 1);
				assertThat(state.get("/overridden/a")).isEqualTo(1);
			});
	}

	@Property(tries = 300)
	void formsOfOneNameMergeIntoOneMountKeepingTheWrittenName(@ForAll("words") List<String> words) {
		String camel = words.get(0) + words.subList(1, words.size())
			.stream()
			.map((w) -> Character.toUpperCase(w.charAt(0)) + w.substring(1))
			.reduce("", String::concat);
		String environment = String.join("", words);
		Map<String, StateTreeMountProperties> bound = new java.util.LinkedHashMap<>();
		bound.put(environment, mount("/p"));
		bound.put(camel, mount("/p"));
		bound.put("other9", mount("/q"));
		Map<String, StateTreeMountProperties> merged = MountNames.merged(bound);
		assertThat(merged.keySet()).containsExactly(camel, "other9");
		assertThat(merged.get(camel).getPath()).isEqualTo("/p");
	}

	@Test
	void formsOfOneNameWithDifferentPathsFailNamingBoth() {
		Map<String, StateTreeMountProperties> bound = new java.util.LinkedHashMap<>();
		bound.put("userSessions", mount("/sessions"));
		bound.put("user-sessions", mount("/s2"));
		assertThatExceptionOfType(InvalidMountException.class).isThrownBy(() -> MountNames.merged(bound))
			.withMessageContaining("statetree.mounts.user-sessions")
			.withMessageContaining("statetree.mounts.userSessions")
			.withMessageContaining("lower-case kebab-case");
	}

	private static StateTreeMountProperties mount(String path) {
		StateTreeMountProperties mount = new StateTreeMountProperties();
		mount.setPath(path);
		mount.setBackend(BackendType.MEMORY);
		return mount;
	}

}
