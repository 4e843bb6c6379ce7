/*
 * img_suggest_tmpl.c - project briefs, course topics and experiences to
 * seek, per family of skills. Every text here is a plan (imperative, no past
 * work, no figures presented as results); "{s}" stands for the skills.
 */
#include <ctype.h>
#include <string.h>

#include "img_suggest_int.h"

/* Technical families, tried in order by skill name, then by group. */
static const img_sugg_tmpl_t tech[] = {
    {"mobile",
     "reactnative|flutter|android|=ios|swiftui|kotlin|=swift|xamarin|ionic",
     "mobile",
     IMG_SUGG_PROJECT,
     "a small mobile app",
     {"pick an everyday problem (a habit tracker, a shopping list) and sketch three screens",
      "build the screens with {s}, with navigation and local storage",
      "call a public API with loading, error and offline states",
      "add tests and publish an installable build to a test track"},
     "a repository with screenshots and a short screen recording in the README",
     "3-5 weeks",
     "UI layout, navigation, state, storage and publishing",
     NULL,
     NULL,
     NULL},
    {"container orchestration",
     "kubernetes|openshift|helm|nomad|dockerswarm|=eks|=aks|=gke|=k8s|rancher",
     "orchestrat|kubernetes",
     IMG_SUGG_PROJECT,
     "a multi-service app deployment",
     {"containerise two or three small services (an API, a worker and a database)",
      "write {s} manifests for their deployments, services, configuration and secrets",
      "add health checks, resource limits and a rolling update",
      "deploy from a CI pipeline and document how to roll back"},
     "a public repository with the manifests, an architecture sketch in the README and a short "
     "screen recording of a rolling update",
     "2-3 weeks",
     "pods, deployments, services, configuration, storage and troubleshooting",
     NULL,
     NULL,
     NULL},
    {"containers",
     "docker|podman|container|buildah",
     "container",
     IMG_SUGG_PROJECT,
     "a containerised development and release setup",
     {"write a multi-stage {s} build for an application you know",
      "compose it with its database and a cache for local development",
      "shrink the image and scan it for vulnerabilities, noting the before and after",
      "publish a tagged image to a registry from a CI pipeline"},
     "a repository with the build files, a README and the published image",
     "1-2 weeks",
     "images, layers, networking, volumes and multi-container setups",
     NULL,
     NULL,
     NULL},
    {"cloud platform",
     "aws|azure|=gcp|googlecloud|amazonwebservices|digitalocean|heroku|cloudflare|=oci",
     "cloud",
     IMG_SUGG_PROJECT,
     "a small web service on managed cloud services",
     {"deploy an API and a static front end on {s} managed services (compute, storage and a "
      "database)",
      "define the whole setup as infrastructure code so it can be torn down and recreated",
      "add logging, an alert and a budget alarm",
      "draw the architecture and note the monthly cost in the README"},
     "a repository with the infrastructure code, an architecture diagram and a live demo link",
     "2-4 weeks",
     "identity and access, compute, storage, networking and cost control",
     NULL,
     NULL,
     NULL},
    {"infrastructure as code",
     "terraform|ansible|pulumi|cloudformation|=chef|puppet|bicep",
     "infrastructure|configuration management|provisioning",
     IMG_SUGG_PROJECT,
     "a reproducible environment defined as code",
     {"describe a network, a server and a database with {s}",
      "split it into reusable modules with variables for each environment",
      "run the plan and apply steps from a CI pipeline with a review step",
      "document how to create and destroy the environment"},
     "a repository with the modules, a README and the pipeline's run logs",
     "1-3 weeks",
     "state, modules, environments, secrets and drift",
     NULL,
     NULL,
     NULL},
    {"ci/cd",
     "cicd|jenkins|githubactions|gitlabci|circleci|argocd|travis|continuousintegration|"
     "continuousdelivery|continuousdeployment|teamcity|bamboo",
     "ci/cd|cicd|continuous|devops|build tool",
     IMG_SUGG_PROJECT,
     "an automated build-test-deploy pipeline",
     {"set up {s} for an existing repository of yours",
      "run tests, linting and a dependency scan on every push",
      "deploy automatically to a staging environment and to production on approval",
      "document the pipeline and the rollback procedure"},
     "the pipeline definition in a public repository, with a status badge and a README",
     "1-2 weeks",
     "pipelines as code, test stages, artefacts, environments and safe rollbacks",
     NULL,
     NULL,
     NULL},
    {"api design",
     "=rest|restapi|restful|graphql|grpc|microservice|=api|=apis|=soa|eventdriven|openapi",
     "api|architecture|integration",
     IMG_SUGG_PROJECT,
     "a small service-based system",
     {"split a simple product (orders and payments, say) into two or three services",
      "define their interfaces with {s} and version them",
      "handle failures between services with timeouts and retries",
      "add contract tests and a diagram of the calls"},
     "a repository with the interface definitions, the diagram and a README on the trade-offs",
     "2-4 weeks",
     "resource design, versioning, error handling, security and documentation",
     NULL,
     NULL,
     NULL},
    {"web pages",
     "=html|html5|=css|css3|=sass|=scss|tailwind|bootstrap|webaccessib|responsivedesign|=wcag",
     "markup|stylesheet|css framework",
     IMG_SUGG_PROJECT,
     "a responsive static website",
     {"pick a small organisation you know (or your own portfolio) and plan four pages",
      "build them with semantic {s}, mobile first",
      "audit accessibility and page speed with free tools and fix what they find",
      "publish it on a static host"},
     "the live site and its repository, linked from your resume",
     "1-2 weeks",
     "semantic structure, layout, responsive design and accessibility",
     NULL,
     NULL,
     NULL},
    {"operating systems",
     "linux|=unix|=aix|ibmaix|windowsserver|=macos|solaris|ubuntu|redhat|=rhel|centos|debian|"
     "systemadministration|sysadmin",
     "operating system|system administration",
     IMG_SUGG_PROJECT,
     "a home-lab server you administer",
     {"install {s} on a spare machine or a virtual machine",
      "set up users, permissions, a firewall, scheduled jobs and log rotation",
      "script a routine task (backups or updates) and run it on a schedule",
      "write a runbook of the set-up and of how to recover it"},
     "the scripts and the runbook in a repository, with a README",
     "2-3 weeks",
     "users and permissions, processes, networking, shell scripting and troubleshooting",
     NULL,
     NULL,
     NULL},
    {"frontend framework",
     "react|angular|=vue|vuejs|svelte|nextjs|nuxt|ember|redux|jquery",
     "frontend|front-end|front end|ui ",
     IMG_SUGG_PROJECT,
     "a responsive single-page dashboard",
     {"build reusable components with {s} and typed props",
      "fetch data from a public API with loading and error states",
      "add routing, form validation and keyboard accessibility",
      "write component tests and deploy it to a static host"},
     "a repository with a live demo link and screenshots in the README",
     "2-3 weeks",
     "components, state management, routing, testing and performance",
     NULL,
     NULL,
     NULL},
    {"backend framework",
     "django|flask|fastapi|spring|express|rails|laravel|aspnet|=.net|dotnet|nestjs|=gin|"
     "nodejs|=node|symfony",
     "backend|back-end|server|web framework|runtime",
     IMG_SUGG_PROJECT,
     "a REST API with authentication",
     {"design the resources and endpoints and implement them with {s}",
      "add authentication, input validation and pagination",
      "persist the data in a relational database with migrations",
      "cover the endpoints with integration tests and publish the API docs"},
     "a repository with the API docs, a README and a deployed demo",
     "2-3 weeks",
     "routing, data access, authentication, testing and deployment",
     NULL,
     NULL,
     NULL},
    {"database",
     "sql|postgres|mongodb|redis|oracle|sqlite|cassandra|dynamodb|elasticsearch|mariadb|"
     "snowflake|bigquery|neo4j|database",
     "database|data store|datastore|warehouse",
     IMG_SUGG_PROJECT,
     "a data model and query layer for a real dataset",
     {"design a schema in {s} for a public dataset (transit, retail or open government data)",
      "load it and write the ten questions a business user would ask as queries",
      "add indexes and compare the query plans before and after",
      "document the schema, the queries and what the indexes changed"},
     "a repository with the schema, the queries and a README of the findings",
     "1-2 weeks",
     "data modelling, querying, indexing, transactions and backups",
     NULL,
     NULL,
     NULL},
    {"data and machine learning",
     "machinelearning|deeplearning|pandas|numpy|scikit|tensorflow|pytorch|keras|spark|hadoop|"
     "airflow|=dbt|=nlp|naturallanguage|computervision|datascience|dataanalys|statistic|=llm|"
     "xgboost|etl|dataengineer|mlops",
     "machine learning|data|=ml|=ai|artificial|analytics|statistic",
     IMG_SUGG_PROJECT,
     "an end-to-end analysis of a public dataset",
     {"frame one question a business would pay to answer and pick a public dataset for it",
      "clean and explore the data with {s}",
      "build a baseline and an improved model or analysis, checked on held-out data",
      "write up the results and their limits in a short report"},
     "a repository with the notebook or pipeline, the report and a README",
     "2-4 weeks",
     "data preparation, modelling, evaluation and communicating results",
     NULL,
     NULL,
     NULL},
    {"business intelligence",
     "tableau|powerbi|looker|=excel|microsoftexcel|qlik|googlesheets|metabase|superset",
     "business intelligence|=bi|visuali|spreadsheet|reporting",
     IMG_SUGG_PROJECT,
     "an interactive dashboard on public data",
     {"pick a public dataset and the three decisions a manager would make from it",
      "model the data and build the dashboard in {s}",
      "add filters, a trend view and a short written summary",
      "ask two people to use it and refine it from their feedback"},
     "screenshots and a link to the published dashboard on a portfolio page",
     "1-2 weeks",
     "data modelling, calculations, visual design and sharing",
     NULL,
     NULL,
     NULL},
    {"testing",
     "selenium|cypress|=jest|pytest|junit|playwright|testing|=tdd|=qa|mocha|testautomation",
     "test|quality",
     IMG_SUGG_PROJECT,
     "an automated test suite for an open-source project",
     {"choose an open-source project with few tests and read its contribution guide",
      "add unit and end-to-end tests with {s} for one feature",
      "run them in the project's CI and compare coverage before and after",
      "open a pull request and respond to the review"},
     "the pull request, linked from your resume",
     "1-3 weeks",
     "test design, fixtures, mocking, end-to-end tests and CI",
     NULL,
     NULL,
     NULL},
    {"security",
     "security|owasp|penetration|siem|=iam|cryptograph|=soc|vulnerab|oauth",
     "security",
     IMG_SUGG_PROJECT,
     "a hardened deployment with a threat model",
     {"write a threat model for a small web app of yours",
      "fix the top findings of an OWASP-style review, applying {s}",
      "add dependency and secret scanning to its pipeline",
      "document the risks you accepted and why"},
     "a repository with the threat model, the fixes and a README",
     "2-3 weeks",
     "threat modelling, secure coding, identity and monitoring",
     NULL,
     NULL,
     NULL},
    {"version control",
     "=git|github|gitlab|bitbucket|=svn|subversion|versioncontrol|mercurial",
     "version control|source control",
     IMG_SUGG_PROJECT,
     "a documented open-source contribution",
     {"fork an open-source project and work in a feature branch with {s}",
      "keep a clean history with small commits and a rebase before review",
      "open a pull request, respond to review and see it merged",
      "tag a release of a side project with a changelog"},
     "links to the pull request and the tagged release",
     "1-2 weeks",
     "branching, merging, rebasing, pull requests and release tagging",
     NULL,
     NULL,
     NULL},
    {"messaging",
     "kafka|rabbitmq|=sqs|pubsub|kinesis|=nats|activemq|=mqtt",
     "messag|stream|queue|event",
     IMG_SUGG_PROJECT,
     "an event-driven pipeline",
     {"produce events from a small app into {s}",
      "consume them in a second service that updates a read model",
      "handle retries, duplicates and a dead-letter path",
      "measure throughput and document the design"},
     "a repository with a README, a diagram and the measurements",
     "2-3 weeks",
     "topics and queues, delivery guarantees, consumers, retries and monitoring",
     NULL,
     NULL,
     NULL},
    {"observability",
     "prometheus|grafana|datadog|splunk|newrelic|=elk|opentelemetry|monitoring|observab",
     "observab|monitor|logging",
     IMG_SUGG_PROJECT,
     "a monitoring setup for a service you run",
     {"instrument a small service with metrics, logs and traces for {s}",
      "build a dashboard of its golden signals (latency, traffic, errors, saturation)",
      "define alerts with runbooks and test them by breaking the service on purpose",
      "write a short incident report of the test"},
     "a repository with the configuration, dashboard screenshots and the report",
     "1-2 weeks",
     "metrics, logs, traces, dashboards and alerting",
     NULL,
     NULL,
     NULL},
    {"methodology",
     "agile|scrum|kanban|=lean|=safe|sixsigma|=itil|waterfall|projectmanage|programmanage|"
     "prince|=devops|=jira|asana|trello|msproject|microsoftproject|smartsheet|=monday|wrike|"
     "basecamp|changemanage|processimprove|riskmanage",
     "methodolog|process|project management|agile|ppm|six sigma|change",
     IMG_SUGG_EXPERIENCE,
     "a project run end to end with {s}",
     {"agree a small goal with your team", "plan it in short iterations",
      "track it on a visible board", "hold a retrospective and write down what changed"},
     "a short write-up of the project and what you learned",
     "1-2 months",
     "roles, events, artefacts, estimation and continuous improvement",
     "Volunteer to run a small project on your team with {s}",
     "Plan: 1) offer to run a scoped piece of work (a release, a migration, an internal tool) "
     "with {s}; 2) set up the plan and the board; 3) run the check-ins and the retrospective, "
     "tracking one measure such as cycle time; 4) note what changed. Once done, it becomes a "
     "resume bullet you can stand behind.",
     "one quarter, alongside your role"},
    {"ux and ui design",
     "uxdesign|uidesign|productdesign|interactiondesign|userresearch|usability|wirefram|"
     "prototyp|=figma|adobexd|designsystem|journeymap|persona|informationarchitecture|"
     "visualdesign|webdesign|graphicdesign|designthinking|servicedesign|userinterview",
     "design tool|prototyping|ux research|vector graphics|image editor|layout tool",
     IMG_SUGG_PROJECT,
     "a redesign case study",
     {"pick a real app or public website with a clear usability problem",
      "test it with three to five users and summarise what you find",
      "redesign the key flow with {s}, from wireframes to a clickable prototype",
      "test the prototype again and write up the before and after"},
     "a portfolio case study with the research, the prototype link and what changed",
     "3-4 weeks",
     "research methods, interaction patterns, prototyping and usability testing",
     NULL,
     NULL,
     NULL},
    {"marketing",
     "marketing|=seo|=sem|=ppc|googleads|googleanalytics|socialmedia|copywrit|=brand|branding|"
     "campaign|hubspot|mailchimp|advertis|growthhack|contentstrat|publicrelations",
     "ad platform|seo tool|marketing|email marketing|social media|web analytics|heatmap|pr tool",
     IMG_SUGG_PROJECT,
     "a small marketing campaign for a real cause",
     {"pick a local business, a non-profit or a side project that needs an audience",
      "research its audience and competitors and set one measurable goal",
      "plan and run a small campaign with {s} on a tiny budget",
      "report the outcome against the goal and what you would change"},
     "a portfolio page with the plan, the creative and the outcome report",
     "3-6 weeks",
     "audience research, channel strategy, measurement and reporting",
     NULL,
     NULL,
     NULL},
    {"sales",
     "=sales|salesforce|=crm|prospect|leadgen|accountmanage|businessdevelop|coldcall|"
     "salesforecast|pipedrive|outreach|salesnavigator",
     "crm|sales|contact center",
     IMG_SUGG_PROJECT,
     "a sales pipeline set-up for a small organisation",
     {"offer to help a small business or non-profit organise its prospects",
      "set up the pipeline stages, fields and a simple report in {s}",
      "import their contacts and define follow-up rules",
      "hand it over with a one-page guide and ask for feedback"},
     "a short write-up with screenshots of the set-up and the organisation's feedback",
     "2-3 weeks",
     "pipeline management, prospecting, forecasting and reporting",
     NULL,
     NULL,
     NULL},
    {"finance and accounting",
     "financialmodel|=fpa|fp&a|valuation|budget|forecast|accounting|=gaap|usgaap|=ifrs|"
     "bookkeep|quickbooks|=xero|=audit|auditing|=tax|taxation|treasury|financialanalys|"
     "financialreport|corporatefinance|=dcf|reconcil|accountspayable|accountsreceivable|"
     "=sap|netsuite",
     "accounting|fp&a|tax software|audit|erp|financial data|finance",
     IMG_SUGG_PROJECT,
     "a financial model of a listed company",
     {"pick a listed company and collect three years of its public filings",
      "build a three-statement model and a forecast, applying {s}",
      "add a valuation or a budget-versus-actual view with its assumptions stated",
      "write a one-page memo of your conclusions"},
     "the model and the memo, shared through a portfolio link",
     "2-4 weeks",
     "financial statements, modelling, forecasting and reporting",
     NULL,
     NULL,
     NULL},
    {"product management",
     "productmanage|productstrategy|roadmap|productowner|userstor|backlog|prioriti|"
     "productdiscovery|productanalytics|amplitude|mixpanel|productled",
     "roadmapping|product analytics|prioritization|experimentation",
     IMG_SUGG_PROJECT,
     "a product teardown and a one-page spec",
     {"pick a product you use and interview three of its users",
      "write the problem statement, the success metric and a prioritised backlog, applying {s}",
      "sketch the solution and its release plan",
      "present it to a product manager and refine it from the feedback"},
     "a portfolio write-up with the spec and the backlog",
     "2-3 weeks",
     "discovery, prioritisation, roadmaps, metrics and stakeholder alignment",
     NULL,
     NULL,
     NULL},
    {"people and hr",
     "recruit|talentacqui|sourcing|=hris|payroll|compensation|employeerelation|workday|"
     "bamboohr|greenhouse|performancemanage|learninganddevelop|humanresource|=hr",
     "=ats|hris|payroll|sourcing|performance management|hr ",
     IMG_SUGG_PROJECT,
     "an improved hiring or onboarding process for a small team",
     {"map the current process of a team you know, with its pain points",
      "redesign one part of it with {s} (an interview kit, an onboarding checklist or a policy)",
      "pilot it once and gather feedback", "write it up with the before-and-after process map"},
     "a short case study with the process maps and the feedback",
     "3-4 weeks",
     "employment law basics, process design, tools and metrics",
     NULL,
     NULL,
     NULL},
    {"legal and compliance",
     "contract|compliance|=gdpr|privacy|regulat|litigation|legalresearch|westlaw|lexis|"
     "ediscovery|corporatelaw|intellectualproperty|=kyc|=aml|=sox|riskassess",
     "legal|privacy|compliance|e-discovery|banking regulation",
     IMG_SUGG_PROJECT,
     "a compliance review memo",
     {"pick a public company's policy or a sample contract in your field",
      "review it against {s} requirements with a checklist",
      "draft the findings and the fixes as a short memo", "ask a practitioner to review it"},
     "the memo, shared as a writing sample",
     "2-3 weeks",
     "the rules of {s}, case studies and practical checklists",
     NULL,
     NULL,
     NULL},
    {"customer support",
     "customersuccess|customersupport|zendesk|freshdesk|intercom|helpdesk|ticketing|gainsight",
     "help desk|customer success|customer engagement",
     IMG_SUGG_PROJECT,
     "a support knowledge base for a product you know",
     {"collect the most common questions about a product or service you know",
      "write clear help articles and reply templates in {s}",
      "define response-time targets and a simple escalation path",
      "ask a few users to try the articles and refine them"},
     "a portfolio link to the articles and the support playbook",
     "2-3 weeks",
     "ticket workflows, knowledge bases, service levels and customer health",
     NULL,
     NULL,
     NULL},
    {"office tools",
     "powerpoint|microsoftword|googledocs|microsoftoffice|office365|microsoft365|outlook|"
     "keynote|googleslides|googleworkspace",
     "presentation software|office suite|word processor|office",
     IMG_SUGG_PROJECT,
     "a short analytical report with a presentation",
     {"pick a public dataset or an industry question you care about",
      "analyse it and build the charts and documents with {s}",
      "write a two-page report and a ten-slide summary",
      "present it to a colleague and refine it from their questions"},
     "the report and the slides, shared through a portfolio link",
     "1-2 weeks",
     "document structure, charts, templates and collaboration features",
     NULL,
     NULL,
     NULL},
    {"programming language",
     "=python|=java|=go|golang|=rust|=c|c++|c#|typescript|javascript|=ruby|=php|=scala|=perl|"
     "=elixir|=haskell|=r|=julia|=lua|=dart|=bash|shellscript|powershell|=matlab",
     "programming|scripting",
     IMG_SUGG_PROJECT,
     "a command-line tool or small service",
     {"pick a problem you know well (parsing logs, tracking prices, renaming photos)",
      "write it in idiomatic {s} with a clear module layout",
      "add unit tests, a linter and a packaged release",
      "document installation and usage with examples"},
     "a public repository with a README, tests in CI and a tagged release",
     "2-4 weeks",
     "the language's idioms, standard library, testing and packaging",
     NULL,
     NULL,
     NULL},
};

/* Soft skills: experiences to seek, tried by name then group. */
static const img_sugg_tmpl_t soft[] = {
    {"mentoring",
     "mentor|coach|train|teach|onboard",
     "mentor|coach",
     IMG_SUGG_EXPERIENCE,
     NULL,
     {NULL, NULL, NULL, NULL},
     NULL,
     NULL,
     "giving feedback, pairing, goal setting and structured mentoring",
     "Mentor a junior colleague or an open-source newcomer",
     "Plan: 1) offer to pair every week with a newer developer or a first-time contributor "
     "(code reviews, a small feature built together); 2) agree their goals together; 3) review "
     "their work and keep a short log of what they learned. After a few months it becomes a "
     "mentoring bullet you can stand behind.",
     "2-3 months, an hour a week"},
    {"leadership",
     "lead|manag|supervis|direct|ownership|people",
     "leader|manage",
     IMG_SUGG_EXPERIENCE,
     NULL,
     {NULL, NULL, NULL, NULL},
     NULL,
     NULL,
     "delegation, feedback, planning and running meetings",
     "Volunteer to lead a small initiative on your team",
     "Plan: 1) ask your manager for ownership of a scoped piece of work (a release, a "
     "migration, an onboarding guide); 2) agree the goal and run the check-ins; 3) unblock "
     "people and report the outcome. Keep notes on scope and result so that, once done, it "
     "becomes a leadership bullet.",
     "1-3 months"},
    {"communication",
     "communic|present|publicspeak|speak|writ|document|storytell|verbal",
     "communic",
     IMG_SUGG_EXPERIENCE,
     NULL,
     {NULL, NULL, NULL, NULL},
     NULL,
     NULL,
     "structuring a message, presenting to mixed audiences and technical writing",
     "Present a technical topic to your team or a local meetup",
     "Plan: 1) pick a piece of your own work and explain the problem, your options and the "
     "trade-offs in a short talk with slides; 2) give it to your team or a meetup and take "
     "questions; 3) publish a written version (a design note or a blog post) so there is "
     "something to link.",
     "2-3 weeks of preparation"},
    {"teamwork",
     "team|collabor|crossfunction|interpersonal|cooperat",
     "team|collabor",
     IMG_SUGG_EXPERIENCE,
     NULL,
     {NULL, NULL, NULL, NULL},
     NULL,
     NULL,
     "working across roles, giving and receiving feedback and resolving disagreement",
     "Join a cross-functional effort outside your usual team",
     "Plan: 1) volunteer for work that needs design, product or operations people as well "
     "as engineers (a launch, an incident review, a hackathon team); 2) agree roles up front; "
     "3) keep track of what you contributed and how disagreements were settled.",
     "1-2 months"},
    {"stakeholders",
     "stakeholder|client|customer|relationship|negotiat",
     "stakeholder|client",
     IMG_SUGG_EXPERIENCE,
     NULL,
     {NULL, NULL, NULL, NULL},
     NULL,
     NULL,
     "requirements gathering, expectation management and negotiation",
     "Take ownership of one stakeholder relationship",
     "Plan: 1) ask to be the contact for one internal customer or client (a team that depends "
     "on yours); 2) run a regular check-in and turn their requests into written requirements; "
     "3) report progress back and keep a record of the decisions you drove.",
     "2-3 months"},
    {"problem solving",
     "problem|analytic|critical|troubleshoot|debug|decision|research",
     "problem|analytic",
     IMG_SUGG_EXPERIENCE,
     NULL,
     {NULL, NULL, NULL, NULL},
     NULL,
     NULL,
     "root-cause analysis, structured problem solving and decision records",
     "Own the investigation of a recurring problem",
     "Plan: 1) pick a recurring incident, defect or slow process (the one people complain "
     "about most); 2) lead its root-cause analysis; 3) propose a fix with its trade-offs and "
     "follow it through; 4) write a short post-mortem that shows your reasoning.",
     "2-4 weeks"},
    {"organisation",
     "time|organi|priorit|multitask|planning|attention|detail|selfmanage",
     "organi|time",
     IMG_SUGG_EXPERIENCE,
     NULL,
     {NULL, NULL, NULL, NULL},
     NULL,
     NULL,
     "planning, prioritisation and tracking work against dates",
     "Plan and track a small project end to end",
     "Plan: 1) volunteer to plan a piece of team work (a release, an event, a move); 2) break "
     "it into milestones and keep a visible tracker; 3) flag risks early and report against "
     "dates. It shows organisation better than any adjective.",
     "1-2 months"},
};

static const img_sugg_tmpl_t soft_default = {
    "soft skill",
    "",
    "",
    IMG_SUGG_EXPERIENCE,
    NULL,
    {NULL, NULL, NULL, NULL},
    NULL,
    NULL,
    "{s} in practice, with exercises and feedback",
    "Seek a situation that exercises {s}",
    "Plan: 1) ask your manager or a volunteer group for a task where {s} is central (a "
    "project, an event, a hand-over); 2) agree what good looks like; 3) ask for feedback "
    "afterwards and write down what you did and what changed.",
    "1-3 months"};

static const img_sugg_tmpl_t domain_default = {
    "domain knowledge",
    "",
    "",
    IMG_SUGG_PROJECT,
    "a case study of a {s} problem",
    {"pick a real {s} problem from public sources (regulations, industry reports, open data)",
     "analyse it with the tools you already use and propose a solution",
     "check your understanding with someone who works in {s}",
     "write it up as a short case study with your assumptions stated"},
    "a portfolio page or repository with the case study",
    "2-4 weeks",
    "the core concepts, regulation and vocabulary of {s}",
    "Seek a project or rotation that touches {s}",
    "Plan: 1) ask to join work that serves a {s} team or customer (a feature, a report, an "
    "integration); 2) learn its vocabulary and rules from the people doing the work; 3) keep "
    "notes you can later turn into a bullet.",
    "1-3 months"};

static const img_sugg_tmpl_t language_default = {
    "human language",
    "",
    "",
    IMG_SUGG_COURSE,
    NULL,
    {NULL, NULL, NULL, NULL},
    NULL,
    "3-6 months",
    "speaking, listening, reading and writing toward a recognised level",
    "Practise {s} every week with a conversation partner",
    "Plan: 1) join a language exchange or a conversation group (online or local); 2) speak "
    "{s} for an hour every week and keep a log of the topics you can handle; 3) take a "
    "recognised level test once you are ready.",
    "3-6 months"};

static const img_sugg_tmpl_t tool_default = {
    "tool",
    "",
    "",
    IMG_SUGG_PROJECT,
    "a small working project around {s}",
    {"choose a realistic use case for {s} close to this job's domain",
     "build a minimal working version and keep it under version control",
     "add tests or validation and write down your design decisions",
     "publish it with a README and a short demo"},
    "a public repository or portfolio page with a demo",
    "1-3 weeks",
    "the core features of {s}, its configuration and good practice",
    NULL,
    NULL,
    NULL};

static const img_sugg_tmpl_t hard_default = {
    "technique",
    "",
    "",
    IMG_SUGG_PROJECT,
    "a small project that puts {s} into practice",
    {"choose a small but real problem where {s} is the key technique",
     "solve it step by step and measure the result against a simple baseline",
     "have someone experienced review it and apply their feedback",
     "write it up with code or artefacts in a repository"},
    "a repository with the write-up and a README",
    "2-3 weeks",
    "the fundamentals of {s}, worked examples and common pitfalls",
    NULL,
    NULL,
    NULL};

/* A requirement with no catalogued skill: wording that works for any noun phrase. */
static const img_sugg_tmpl_t phrase_default = {
    "requirement",
    "",
    "",
    IMG_SUGG_PROJECT,
    "a small project that demonstrates {s}",
    {"choose a realistic problem in this job's field where {s} is central",
     "build a minimal working version and keep it under version control",
     "ask someone experienced to review it and apply their feedback",
     "write it up in a README with what you would do next"},
    "a public repository or portfolio page with the write-up",
    "2-3 weeks",
    "the fundamentals of {s}, worked examples and common pitfalls",
    NULL,
    NULL,
    NULL};

/* True if key matches one of the '|'-separated fragments of list ("=x" exact). */
static bool frag_match(const char *list, const char *key)
{
    if (!list || !*list || !*key)
        return false;
    size_t klen = strlen(key);
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n > 1 && p[0] == '=') {
            if (n - 1 == klen && memcmp(p + 1, key, klen) == 0)
                return true;
        } else if (n > 0 && n <= klen) {
            for (size_t i = 0; i + n <= klen; i++)
                if (key[i] == p[0] && memcmp(key + i, p, n) == 0)
                    return true;
        }
        p += n + (e ? 1 : 0);
    }
    return false;
}

static const img_sugg_tmpl_t *find_in(const img_sugg_tmpl_t *t, size_t n, const char *key,
                                      const char *group)
{
    for (size_t i = 0; i < n; i++)
        if (frag_match(t[i].names, key))
            return &t[i];
    if (group[0])
        for (size_t i = 0; i < n; i++)
            if (frag_match(t[i].groups, group))
                return &t[i];
    return NULL;
}

const img_sugg_tmpl_t *img_suggest_tmpl_for(const img_tax_skill_t *sk, const char *name,
                                            img_category_t cat)
{
    char key[64] = "", group[64] = "";
    if (sk)
        cat = sk->category;
    if (!name && sk)
        name = sk->name;
    if (name)
        img_text_key(name, 0, strlen(name), key, sizeof(key));
    if (sk && sk->group) {
        size_t i = 0;
        for (; sk->group[i] && i + 1 < sizeof(group); i++)
            group[i] = (char)tolower((unsigned char)sk->group[i]);
        group[i] = '\0';
    }
    const img_sugg_tmpl_t *t;
    switch (cat) {
    case IMG_CAT_SOFT:
        t = find_in(soft, sizeof(soft) / sizeof(soft[0]), key, group);
        return t ? t : &soft_default;
    case IMG_CAT_LANGUAGE:
        return &language_default;
    case IMG_CAT_DOMAIN:
        return &domain_default;
    default:
        break;
    }
    t = find_in(tech, sizeof(tech) / sizeof(tech[0]), key, group);
    if (t)
        return t;
    return cat == IMG_CAT_TOOL ? &tool_default : &hard_default;
}

char *img_suggest_fill(img_arena_t *arena, const char *tmpl, const char *s)
{
    if (!tmpl)
        return NULL;
    size_t slen = strlen(s), n = 0;
    for (const char *p = tmpl; *p; p++)
        n += (p[0] == '{' && p[1] == 's' && p[2] == '}') ? slen : 1;
    char *out = img_arena_alloc(arena, n + 1), *o = out;
    for (const char *p = tmpl; *p;) {
        if (p[0] == '{' && p[1] == 's' && p[2] == '}') {
            memcpy(o, s, slen);
            o += slen;
            p += 3;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

const img_sugg_tmpl_t *img_suggest_tmpl_for_phrase(const char *topic)
{
    char key[96];
    img_text_key(topic, 0, strlen(topic), key, sizeof(key));
    for (size_t i = 0; i < sizeof(soft) / sizeof(soft[0]); i++)
        if (frag_match(soft[i].names, key))
            return &soft[i];
    for (size_t i = 0; i < sizeof(tech) / sizeof(tech[0]); i++)
        if (tech[i].primary == IMG_SUGG_EXPERIENCE && frag_match(tech[i].names, key))
            return &tech[i];
    return &phrase_default;
}
