package io.statetree.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.MethodMetadata;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.SimpleMetadataReaderFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boolean switches use {@code @ConditionalOnBooleanProperty}, as Spring Boot 4 does: no
 * {@code @ConditionalOnProperty} in StateTree's own classes tests for {@code true}/{@code false}
 * (or for "set and not false", its default).
 */
class BooleanSwitchConditionsTest {

	private static final Set<String> BOOLEAN_VALUES = Set.of("", "true", "false");

	@Test
	void noConditionalOnPropertyTestsABoolean() throws Exception {
		PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
		SimpleMetadataReaderFactory readers = new SimpleMetadataReaderFactory(resolver);
		List<String> offenders = new ArrayList<>();
		int scanned = 0;
		for (Resource resource : resolver.getResources("classpath*:io/statetree/**/*.class")) {
			if (!resource.getURL().toString().contains("/target/classes/")) {
				continue;
			}
			scanned++;
			MetadataReader reader = readers.getMetadataReader(resource);
			AnnotationMetadata type = reader.getAnnotationMetadata();
			check(type.getClassName(), type, offenders);
			for (MethodMetadata method : type.getDeclaredMethods()) {
				check(type.getClassName() + "." + method.getMethodName(), method, offenders);
			}
		}
		assertThat(scanned).as("StateTree classes scanned").isGreaterThan(50);
		assertThat(offenders).as("@ConditionalOnProperty on a boolean switch").isEmpty();
	}

	private static void check(String where, AnnotatedTypeMetadata metadata, List<String> offenders) {
		Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnProperty.class.getName());
		if (attributes != null && BOOLEAN_VALUES.contains(String.valueOf(attributes.get("havingValue")))) {
			offenders.add(where);
		}
	}

}
