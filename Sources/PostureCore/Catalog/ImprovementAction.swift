/// One catalog entry: something an organization can do to raise its score.
public struct ImprovementAction: Sendable, Equatable, Identifiable {
    public struct Prerequisites: Sendable, Equatable {
        public var licenses: [String]
        public var actions: [String]

        public init(licenses: [String] = [], actions: [String] = []) {
            self.licenses = licenses
            self.actions = actions
        }
    }

    public struct Link: Sendable, Equatable {
        public var title: String
        public var url: String

        public init(title: String, url: String) {
            self.title = title
            self.url = url
        }
    }

    public struct ComplianceMapping: Sendable, Equatable {
        /// CIS Controls v8 safeguard ids, e.g. `6.5`.
        public var cisControls: [String]
        /// NIST SP 800-53 Rev. 5 control ids, e.g. `IA-2(1)`.
        public var nist80053: [String]

        public init(cisControls: [String] = [], nist80053: [String] = []) {
            self.cisControls = cisControls
            self.nist80053 = nist80053
        }
    }

    public var id: String
    public var title: String
    public var category: ActionCategory
    /// Product code as Graph reports it (`AzureAD`, `EXO`, `MDATP`, …).
    public var service: String
    /// Display name of the product (the catalog file's `product`).
    public var product: String
    public var maxScore: Double
    public var scoringMethod: ScoringMethod
    /// What a partial action counts; nil for binary actions.
    public var entityType: EntityType?
    public var actionType: ActionType
    public var implementationCost: EffortLevel
    public var userImpact: EffortLevel
    public var complexity: EffortLevel
    public var tier: ActionTier
    public var threats: [Threat]
    public var description: String
    public var userImpactDescription: String
    public var usersAffected: String
    public var prerequisites: Prerequisites
    public var remediation: [String]
    public var learnMore: [Link]
    public var manageURL: String
    public var compliance: ComplianceMapping
    /// Status is owned by the evidence source; people cannot set one.
    public var externallyManaged: Bool
    /// Where the evidence source manages exceptions (set when `externallyManaged`).
    public var managedIn: String?
    public var deprecated: Bool

    public init(
        id: String,
        title: String,
        category: ActionCategory,
        service: String,
        product: String,
        maxScore: Double,
        scoringMethod: ScoringMethod,
        entityType: EntityType? = nil,
        actionType: ActionType = .config,
        implementationCost: EffortLevel = .low,
        userImpact: EffortLevel = .low,
        complexity: EffortLevel = .low,
        tier: ActionTier = .core,
        threats: [Threat] = [.accountBreach],
        description: String = "",
        userImpactDescription: String = "",
        usersAffected: String = "",
        prerequisites: Prerequisites = .init(),
        remediation: [String] = [],
        learnMore: [Link] = [],
        manageURL: String = "",
        compliance: ComplianceMapping = .init(),
        externallyManaged: Bool = false,
        managedIn: String? = nil,
        deprecated: Bool = false
    ) {
        self.id = id
        self.title = title
        self.category = category
        self.service = service
        self.product = product
        self.maxScore = maxScore
        self.scoringMethod = scoringMethod
        self.entityType = entityType
        self.actionType = actionType
        self.implementationCost = implementationCost
        self.userImpact = userImpact
        self.complexity = complexity
        self.tier = tier
        self.threats = threats
        self.description = description
        self.userImpactDescription = userImpactDescription
        self.usersAffected = usersAffected
        self.prerequisites = prerequisites
        self.remediation = remediation
        self.learnMore = learnMore
        self.manageURL = manageURL
        self.compliance = compliance
        self.externallyManaged = externallyManaged
        self.managedIn = managedIn
        self.deprecated = deprecated
    }
}
