package io.statetree.autoconfigure;

import io.statetree.core.StateController;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;

/**
 * What StateTree does at start-up besides building its beans: the check of {@code statetree.*}
 * property names ({@link UnknownPropertiesCheck}) and the one-line summary of the configuration
 * ({@link StartupSummary}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StateTreeCheckProperties.class)
class StartupConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static UnknownPropertiesCheck stateTreeUnknownPropertiesCheck() {
		return new UnknownPropertiesCheck();
	}

	@Bean
	StartupSummary stateTreeStartupSummary(StateTreeProperties properties, ObjectProvider<StateController> controller,
			ConfigurableListableBeanFactory beanFactory) {
		return new StartupSummary(properties, controller, beanFactory);
	}

}
