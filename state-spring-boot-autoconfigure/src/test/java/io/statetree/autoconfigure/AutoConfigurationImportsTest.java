package io.statetree.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import io.statetree.autoconfigure.endpoint.StateTreeChangesEndpointAutoConfiguration;
import io.statetree.autoconfigure.endpoint.StateTreeEndpointAutoConfiguration;
import io.statetree.autoconfigure.endpoint.StateTreeGroupsEndpointAutoConfiguration;
import io.statetree.autoconfigure.health.StateTreeHealthContributorAutoConfiguration;
import io.statetree.autoconfigure.metrics.StateTreeMetricsAutoConfiguration;
import io.statetree.autoconfigure.security.StateTreeSecurityAutoConfiguration;
import io.statetree.autoconfigure.tx.StateTreeTransactionAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.annotation.MergedAnnotations;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the registration files name classes that exist where they live now: every
 * auto-configuration in {@code AutoConfiguration.imports} (one per concern, in its sub-package),
 * and every failure analyzer in {@code spring.factories}.
 */
class AutoConfigurationImportsTest {

	@Test
	void theImportsNameEveryAutoConfigurationOnce() throws Exception {
		List<Class<?>> imported = new ArrayList<>();
		for (String name : lines("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")) {
			Class<?> type = Class.forName(name);
			assertThat(MergedAnnotations.from(type).isPresent(AutoConfiguration.class)).as(name).isTrue();
			assertThat(Modifier.isPublic(type.getModifiers()) && Modifier.isFinal(type.getModifiers())).as(name)
				.isTrue();
			imported.add(type);
		}
		assertThat(imported).containsExactlyInAnyOrder(StateTreeAutoConfiguration.class,
				StateTreeEndpointAutoConfiguration.class, StateTreeChangesEndpointAutoConfiguration.class,
				StateTreeGroupsEndpointAutoConfiguration.class, StateTreeHealthContributorAutoConfiguration.class,
				StateTreeMetricsAutoConfiguration.class, StateTreeSecurityAutoConfiguration.class,
				StateTreeTransactionAutoConfiguration.class,
				io.statetree.autoconfigure.observation.StateTreeObservationAutoConfiguration.class,
				io.statetree.autoconfigure.console.StateTreeConsoleAutoConfiguration.class);
	}

	@Test
	void theFailureAnalyzersExist() throws Exception {
		Properties factories = new Properties();
		factories.load(new StringReader(ours("META-INF/spring.factories")));
		String[] names = factories.getProperty(FailureAnalyzer.class.getName(), "").split(",");
		assertThat(names).hasSize(9);
		for (String name : names) {
			assertThat(FailureAnalyzer.class.isAssignableFrom(Class.forName(name.trim()))).as(name).isTrue();
		}
	}

	private List<String> lines(String resource) throws IOException {
		List<String> lines = new ArrayList<>();
		for (String line : ours(resource).split("\n")) {
			if (!line.isBlank() && !line.startsWith("#")) {
				lines.add(line.trim());
			}
		}
		return lines;
	}

	/** This module's copy of a resource that other jars on the class path have too. */
	private String ours(String resource) throws IOException {
		List<String> found = new ArrayList<>();
		for (URL url : Collections.list(getClass().getClassLoader().getResources(resource))) {
			try (InputStream in = url.openStream()) {
				String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
				if (text.contains("io.statetree.autoconfigure.")) {
					found.add(text);
				}
			}
		}
		assertThat(found).as(resource).hasSize(1);
		return found.get(0);
	}

}
