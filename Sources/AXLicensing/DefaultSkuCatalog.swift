// Generated from Data/skus.json by Scripts/embed-catalog.sh; a test checks the two stay identical.
// Edit Data/skus.json, then run the script.

/// The default SKU catalog, byte-for-byte `Data/skus.json`, so the tool works without the repository beside it.
public let defaultSkuCatalogJSON = #"""
{
  "currency": "USD",
  "note": "Monthly list prices per user in USD. Finance, Supply Chain Management and Commerce are at 210 since Microsoft's 1 October 2024 price update (180 before); the premium SKUs at 300. priceDate is the date a figure took effect, priceSource where it is published (every figure here is from Microsoft partners: Microsoft's own price pages were not reachable to check; Data/README.md lists them). The old 180 figures stay reachable by giving a workspace skus.json or --skus of your own. Edit freely, or give axlicense a catalog file of your own. Human Resources Self Service comes with Human Resources (no separate list price); it is listed so per-object data naming it resolves, and is never a license of its own in axlicense, since every licensed user needs at least Team Members. Groups are the base groups of Microsoft's LicensingAllSkus (Base 1, Base 2). partNumbers are Microsoft's commercial part numbers (skuPartNumber in Microsoft Graph's subscribedSkus, the String ID of Microsoft Learn's 'Product names and service plan identifiers for licensing', https://learn.microsoft.com/entra/identity/users/licensing-service-plan-reference); purchased subscriptions are counted as the SKU whose partNumbers name them. Data/README.md gives the source of each; Supply Chain Management Premium has none published: add your tenant's (the skuPartNumber your subscribedSkus response shows) to a skus.json of your own.",
  "skus": [
    {
      "name": "SupplyChainManagementPremium",
      "displayName": "Dynamics 365 Supply Chain Management Premium",
      "tier": "operations",
      "basePrice": 300,
      "attachPrice": null,
      "priceDate": null,
      "priceSource": "third-party only, date of the figure not published: https://flectic.com/learn/finance-ops-pricing (Microsoft partner, read 2026: \"$210 base or $300 Premium per user/month\"); no attach price published",
      "priority": 100,
      "group": "Base 1",
      "aliases": ["SCM Premium", "D365_SCM_Premium"]
    },
    {
      "name": "FinancePremium",
      "displayName": "Dynamics 365 Finance Premium",
      "tier": "operations",
      "basePrice": 300,
      "attachPrice": null,
      "priceDate": null,
      "priceSource": "third-party only, date of the figure not published: https://flectic.com/learn/finance-ops-pricing (Microsoft partner, read 2026: \"$210 base or $300 Premium per user/month\"); no attach price published",
      "priority": 90,
      "group": "Base 1",
      "aliases": ["D365_Finance_Premium"],
      "partNumbers": ["Dynamics_365_Finance_Premium"]
    },
    {
      "name": "SupplyChainManagement",
      "displayName": "Dynamics 365 Supply Chain Management",
      "tier": "operations",
      "basePrice": 210,
      "attachPrice": 30,
      "priceDate": "2024-10-01",
      "priceSource": "third-party only: https://flectic.com/learn/finance-ops-pricing (Microsoft partner, read 2026: $210 base, up from $180 with Microsoft's 1 October 2024 price update, announced May 2024: https://licenseq.com/licensing-updates-may-2024/); attach 30 as published by https://www.encorebusiness.com/blog/d365-finance-and-operations-license-pricing/",
      "priority": 80,
      "group": "Base 1",
      "aliases": ["SCM", "D365_SCM", "SupplyChain", "Operations Supply Chain Management"],
      "partNumbers": ["DYN365_SCM", "DYN365_SCM_ATTACH"]
    },
    {
      "name": "Finance",
      "displayName": "Dynamics 365 Finance",
      "tier": "operations",
      "basePrice": 210,
      "attachPrice": 30,
      "priceDate": "2024-10-01",
      "priceSource": "third-party only: https://flectic.com/learn/finance-ops-pricing (Microsoft partner, read 2026: $210 base, up from $180 with Microsoft's 1 October 2024 price update, announced May 2024: https://licenseq.com/licensing-updates-may-2024/); attach 30 as published by https://www.encorebusiness.com/blog/d365-finance-and-operations-license-pricing/",
      "priority": 70,
      "group": "Base 1",
      "aliases": ["D365_Finance", "FIN"],
      "partNumbers": ["DYN365_FINANCE", "DYN365_FINANCE_ATTACH"]
    },
    {
      "name": "Commerce",
      "displayName": "Dynamics 365 Commerce",
      "tier": "operations",
      "basePrice": 210,
      "attachPrice": 30,
      "priceDate": "2024-10-01",
      "priceSource": "third-party only: https://flectic.com/learn/commerce (Microsoft partner, read 2026: \"$210/user/month\"), up from $180 with Microsoft's 1 October 2024 price update; attach 30 as for Finance and Supply Chain Management, not re-verified",
      "priority": 60,
      "group": "Base 1",
      "aliases": ["Retail", "D365_Commerce"],
      "partNumbers": ["DYN365_RETAIL", "DYN365_RETAIL_ATTACH"]
    },
    {
      "name": "ProjectOperations",
      "displayName": "Dynamics 365 Project Operations",
      "tier": "operations",
      "basePrice": 120,
      "attachPrice": 30,
      "priceDate": "2019-10-01",
      "priceSource": "third-party, not re-verified after the 1 October 2024 price update: the 2019 base/attach list price as Microsoft partners publish it",
      "priority": 50,
      "group": "Base 2",
      "aliases": ["ProjectOps", "PSA", "ProjectServiceAutomation"],
      "partNumbers": ["DYN365_PROJECT_OPERATIONS", "DYN365_PROJECT_OPERATIONS_ATTACH"]
    },
    {
      "name": "HumanResources",
      "displayName": "Dynamics 365 Human Resources",
      "tier": "operations",
      "basePrice": 120,
      "attachPrice": 30,
      "priceDate": "2019-10-01",
      "priceSource": "third-party, not re-verified after the 1 October 2024 price update: the 2019 base/attach list price as Microsoft partners publish it",
      "priority": 40,
      "group": "Base 2",
      "aliases": ["Talent", "HR", "D365_HR"],
      "partNumbers": ["DYN365_HUMAN_RESOURCES", "DYN365_HUMAN_RESOURCES_ATTACH"]
    },
    {
      "name": "Activity",
      "displayName": "Dynamics 365 Operations – Activity",
      "tier": "activity",
      "basePrice": 50,
      "attachPrice": null,
      "priceDate": "2019-10-01",
      "priceSource": "third-party only: https://microsoftnegotiations.com/blog/dynamics-365-finance-operations-licensing.html (Activity User $50 monthly list)",
      "priority": 30,
      "aliases": ["Operations – Activity", "Operations - Activity", "OperationsActivity", "D365_Operations_Activity"],
      "partNumbers": ["Dyn365_Operations_Activity"]
    },
    {
      "name": "TeamMembers",
      "displayName": "Dynamics 365 Team Members",
      "tier": "teamMembers",
      "basePrice": 8,
      "attachPrice": null,
      "priceDate": "2019-10-01",
      "priceSource": "third-party only: https://microsoftnegotiations.com/blog/dynamics-365-finance-operations-licensing.html (Team Member $8 monthly list)",
      "priority": 20,
      "aliases": ["TeamMember", "D365_TeamMembers", "Universal"],
      "partNumbers": ["DYN365_ENTERPRISE_TEAM_MEMBERS", "DYN365_TEAM_MEMBERS"]
    },
    {
      "name": "HumanResourcesSelfService",
      "displayName": "Human Resources Self Service",
      "tier": "selfService",
      "basePrice": 0,
      "attachPrice": null,
      "priceDate": null,
      "priceSource": "no list price published: comes with Human Resources",
      "priority": 10,
      "aliases": ["Dynamics 365 Human Resources Self Service", "HR Self Service", "HRSelfService"],
      "partNumbers": ["DYN365_HUMAN_RESOURCES_SELF_SERVE"]
    }
  ]
}
"""#
