package io.statetree.test.internal;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Imported by {@link io.statetree.test.AutoConfigureStateTree}: an in-memory backend, defined
 * before StateTree's own auto-configuration so that the application's configured backend and
 * mounts back off. An application's own {@link StateBackend} bean still wins. Not public API.
 */
@AutoConfiguration(before = StateTreeAutoConfiguration.class)
public final class StateTreeTestBackendAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	StateBackend stateBackend() {
		return new InMemoryBackend();
	}

}
